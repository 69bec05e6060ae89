-- What a user told us about themselves in the profile domain. Kept apart
-- from `sessions` because it outlives conversation state (which cleanup may
-- drop) and other domains read it.
CREATE TABLE profiles (
  wa_id      text        PRIMARY KEY,
  name       text        CHECK (char_length(name) BETWEEN 1 AND 40),
  language   text        CHECK (language IN ('en', 'fr', 'rw')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
