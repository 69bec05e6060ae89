-- wrk script for tools/bench/ingress: POSTs pre-signed webhook bodies, each
-- with its own unique wamids, so every request is a new event to commit.
-- wrk's Lua cannot compute HMACs, so `ingress_load prepare` writes one file
-- of "<signature>\t<body>" lines per wrk thread: <prefix>.<thread number>.
--
--   wrk -t2 -c64 -d10s -s tools/bench/ingress.lua http://127.0.0.1:8080 -- <prefix>

local next_thread = 0

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  requests = {}
  for line in io.lines(args[1] .. "." .. thread_number) do
    local signature, body = line:match("^(%S+)\t(.*)$")
    requests[#requests + 1] = wrk.format("POST", "/webhook", {
      ["Content-Type"] = "application/json",
      ["X-Hub-Signature-256"] = signature,
    }, body)
  end
  position = 0
end

-- Past the end the list starts over: those would be redeliveries, so the
-- files are sized for the run (see tools/bench/ingress).
function request()
  position = position % #requests + 1
  return requests[position]
end
