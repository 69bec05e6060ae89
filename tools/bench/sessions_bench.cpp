// The driver of tools/bench/sessions: how much memory an idle session costs.
//
// It starts the real session shards, session actors and home domain on a
// real CAF scheduler, with an in-process loader (every user is new) and an
// in-process committer (every commit succeeds) in place of PostgreSQL, and
// sends one "menu" message from each of N distinct users. Once every event
// is done, each user has a live, idle session actor holding its state,
// exactly as after a real conversation; the growth of the process's
// resident memory divided by N is the cost of one session (actor, state,
// the shard's entry). Prints one line:
//   sessions=N rss_mib=<total> bytes_per_session=<growth / N>
//
//   sessions_bench [--sessions 1000000] [--shards 4]
#include "actors/domains/domain_actor.hpp"
#include "actors/domains/home/home.hpp"
#include "actors/session/shard.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <malloc.h>
#include <iostream>
#include <map>
#include <thread>
#include <unistd.h>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

// Users are sent in waves, so mailboxes stay small and what is measured is
// sessions, not queued messages.
constexpr size_t wave_users = 20'000;

constexpr auto request_timeout = std::chrono::seconds(5);

// Bytes the allocator has handed out and not got back: what the sessions
// hold, without the pages freed fragments keep resident.
size_t heap_in_use() {
  return mallinfo2().uordblks;
}

size_t rss_bytes() {
  std::ifstream in{"/proc/self/statm"};
  size_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

caf::behavior instant_loader(caf::event_based_actor*) {
  return {[](session::load_atom, const std::string&) {
    return sessions::session_record{};
  }};
}

caf::behavior instant_committer(caf::event_based_actor*) {
  return {[](const sessions::commit_item& item) {
    return sessions::commit_outcome{sessions::commit_status::committed,
                                    item.expected_version + 1};
  }};
}

session::work menu_from(size_t user, int64_t id) {
  session::work job;
  job.event.id = id;
  job.event.wa_id = "2507" + std::to_string(80000000 + user);
  job.event.timestamp = 1718012345;
  job.event.message.event_id = id;
  job.event.message.kind = "text";
  job.event.message.text = "menu";
  return job;
}

uint64_t done_events(caf::scoped_actor& self,
                     const std::vector<caf::actor>& shards) {
  uint64_t done = 0;
  for (auto& s : shards)
    self->request(s, caf::infinite, caf::get_atom::value, info_atom::value)
      .receive(
        [&](std::string& info) {
          done += nlohmann::json::parse(info)["done"].get<uint64_t>();
        },
        [](caf::error&) {});
  return done;
}

} // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> kv;
  for (int i = 1; i + 1 < argc; i += 2)
    kv[argv[i]] = argv[i + 1];
  size_t users = kv.count("--sessions") ? std::stoul(kv["--sessions"]) : 1'000'000;
  size_t shards_n = kv.count("--shards") ? std::stoul(kv["--shards"]) : 4;
  // Warnings per session would dwarf the figure being measured.
  log::configure(log::level::error);
  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{cfg};
  auto texts = std::make_shared<domains::catalog>();
  auto keywords = std::make_shared<router::keyword_table>();
  if (auto err = domains::catalog::load(EASYMO_SOURCE_DIR "/config/locales", *texts)) {
    std::cerr << *err << "\n";
    return 1;
  }
  if (auto err = router::keyword_table::load(
        EASYMO_SOURCE_DIR "/config/locales/keywords.json", *keywords)) {
    std::cerr << *err << "\n";
    return 1;
  }
  auto home = caf::actor_cast<caf::actor>(
    sys.spawn(domains::domain, std::string{"home"}, domains::home::decide,
              std::shared_ptr<const domains::catalog>{texts}));
  directory::put(sys, *domains::domain_actor_name("home"), home);
  auto env = std::make_shared<session::session_env>();
  env->texts = texts;
  env->keywords = keywords;
  env->loader = sys.spawn(instant_loader);
  env->committer = sys.spawn(instant_committer);
  // Each request leaves a timeout in CAF's clock until it expires, even
  // when the answer came long before; short timeouts let them expire before
  // the measurement, as they do in an idle session.
  env->request_timeout = request_timeout;
  env->commit_timeout = request_timeout;
  caf::scoped_actor self{sys};
  std::vector<caf::actor> shards;
  for (size_t i = 0; i < shards_n; ++i) {
    session::shard_options opts;
    opts.index = i;
    opts.idle_timeout = std::chrono::hours(24);
    opts.sweep_interval = std::chrono::hours(24);
    opts.env = env;
    shards.push_back(sys.spawn(session::shard, opts, self->address()));
  }
  // Warm up: the first wave pays for allocator arenas and CAF's lazily
  // built structures, which do not grow with the number of sessions.
  auto send_wave = [&](size_t from, size_t to) {
    for (size_t u = from; u < to; ++u) {
      auto job = menu_from(u, static_cast<int64_t>(u + 1));
      self->send(shards[session::shard_of(job.event.wa_id, shards_n)],
                 std::move(job));
    }
    while (done_events(self, shards) < to)
      std::this_thread::sleep_for(20ms);
  };
  size_t warm = std::min(users, wave_users);
  send_wave(0, warm);
  auto before = rss_bytes();
  auto heap_before = heap_in_use();
  auto start = std::chrono::steady_clock::now();
  for (size_t from = warm; from < users + warm; from += wave_users)
    send_wave(from, std::min(from + wave_users, users + warm));
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::this_thread::sleep_for(2 * request_timeout + 500ms);
  auto after = rss_bytes();
  auto heap_after = heap_in_use();
  std::cerr << "spawned and settled " << users << " sessions in " << took.count()
            << " s\n";
  std::cerr << "heap in use per session: " << (heap_after - heap_before) / users
            << " bytes\n";
  std::cout << "sessions=" << users << " rss_mib=" << after / (1024 * 1024)
            << " bytes_per_session=" << (after - before) / users << "\n";
  for (auto& s : shards)
    self->send_exit(s, caf::exit_reason::kill);
  for (auto& a : {home, env->loader, env->committer})
    self->send_exit(a, caf::exit_reason::kill);
  directory::erase_all(sys, {*domains::domain_actor_name("home")});
  return 0;
}
