#include "runtime/app.hpp"

#include "actors/breaker/protocol.hpp"
#include "actors/journal/protocol.hpp"
#include "actors/payments/protocol.hpp"
#include "persistence/db/protocol.hpp"
#include "persistence/ledger/core.hpp"
#include "protocols/whatsapp/outbound.hpp"
#include "runtime/boot.hpp"
#include "runtime/config.hpp"
#include "runtime/directory.hpp"
#include "runtime/listeners.hpp"
#include "runtime/log.hpp"
#include "runtime/outbound.hpp"
#include "runtime/process_metrics.hpp"
#include "runtime/signals.hpp"
#include "runtime/supervisor/supervisor.hpp"
#include "runtime/tree.hpp"

#include <caf/all.hpp>

#include <iostream>
#include <thread>

namespace easymo {

namespace {

// Beyond the drain bound, the tree gets this long to stop before we give up
// waiting and let the actor system's destructor finish the job.
constexpr auto tree_stop_slack = std::chrono::seconds(5);

void stop_tree(caf::actor_system& sys, const caf::actor& root,
               caf::timespan bound) {
  caf::scoped_actor self{sys};
  self->monitor(root);
  self->send_exit(root, caf::exit_reason::user_shutdown);
  self->receive(
    [](caf::down_msg&) {},
    caf::after(bound + tree_stop_slack) >>
      [&] {
        log::warn("app", "supervision tree did not stop in time, killing it");
        self->send_exit(root, caf::exit_reason::kill);
      });
}

int serve(app_config& cfg, const boot::database_ready& db) {
  auto& s = cfg.s;
  cfg.add_error_category(supervision::error_category,
                         supervision::render_error);
  cfg.add_error_category(db::error_category, db::render_error);
  cfg.add_error_category(ledger::error_category, ledger::render_error);
  cfg.add_error_category(journal::error_category, journal::render_error);
  cfg.add_error_category(breaker::error_category, breaker::render_error);
  cfg.add_error_category(whatsapp::limit_error_category,
                         whatsapp::render_limit_error);
  cfg.add_error_category(payments::error_category, payments::render_error);
  // Declared before the actor system so it outlives every breaker.
  outbound out{s};
  caf::actor_system sys{cfg};
  register_process_metrics(sys);

  auto gave_up = std::make_shared<std::atomic<bool>>(false);
  tree_context ctx;
  ctx.s = s;
  ctx.schema_version = db.schema_version;
  ctx.serving = std::make_shared<std::atomic<bool>>(false);
  ctx.on_give_up = [gave_up](const caf::error&) {
    gave_up->store(true);
    signals::wake();
  };
  ctx.outbound = out.client();
  if (auto err = session::load_assets(s, ctx.conversation)) {
    log::error("app", *err);
    return exit_code::config;
  }
  auto root = sys.spawn(supervision::supervisor, make_root(ctx));
  directory::put(sys, directory::root, root);

  listeners http{s, sys};
  if (auto err = http.start()) {
    log::error("app", *err);
    stop_tree(sys, root, s.drain_timeout);
    out.shutdown();
    return exit_code::startup_failed;
  }
  ctx.serving->store(true);
  log::info("app", "easymod ready",
            {{"mode", s.mode},
             {"public", http.public_url()},
             {"admin", http.admin_url()}});

  auto why = signals::wait_for_stop(*gave_up);
  log::info("app", "stopping", {{"reason", why}});
  ctx.serving->store(false);
  http.drain(s.drain_timeout);
  stop_tree(sys, root, s.drain_timeout);
  out.shutdown();
  directory::erase_all(sys, {directory::outbox, directory::breakers,
                             directory::sandbox});
  for (auto gateway : breaker_gateways)
    directory::erase_all(sys, {breaker::directory_name(std::string{gateway})});
  http.stop();
  directory::erase_all(
    sys, {directory::root, directory::db_pool, directory::ledger,
          directory::ingress, directory::admin, directory::journal,
          directory::limiter, directory::dispatcher, directory::pay_ussd,
          directory::pay_momo, directory::pay_paydunya, directory::pay_revolut,
          directory::pay_admin, directory::reconciliation});
  return gave_up->load() ? exit_code::supervisor_gave_up : exit_code::ok;
}

} // namespace

const char* usage() {
  return "usage: easymod [--config FILE] [--check-config] [--migrate-only]\n"
         "               [--version] [--help]\n"
         "\n"
         "  --config FILE    INI file with an [easymo] group (see\n"
         "                   config/easymo.example.ini); EASYMO_* variables\n"
         "                   override it, secrets come only from them\n"
         "  --check-config   validate the configuration and exit\n"
         "  --migrate-only   apply database migrations and exit\n";
}

std::optional<std::string> parse_cli(int argc, char** argv, cli_options& out) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config") {
      if (i + 1 >= argc)
        return "--config needs a file";
      out.config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      out.config_path = arg.substr(9);
    } else if (arg == "--check-config") {
      out.check_config = true;
    } else if (arg == "--migrate-only") {
      out.migrate_only = true;
    } else if (arg == "--help" || arg == "-h") {
      out.help = true;
    } else if (arg == "--version") {
      out.version = true;
    } else {
      return "unknown argument '" + arg + "'";
    }
  }
  return std::nullopt;
}

int run(int argc, char** argv) {
  cli_options cli;
  if (auto err = parse_cli(argc, argv, cli)) {
    std::cerr << "easymod: " << *err << "\n" << usage();
    return exit_code::usage;
  }
  if (cli.help) {
    std::cout << usage();
    return exit_code::ok;
  }
  if (cli.version) {
    std::cout << "easymod " << EASYMO_VERSION << "\n";
    return exit_code::ok;
  }
  app_config cfg;
  if (auto err = cfg.load(cli.config_path)) {
    std::cerr << "easymod: " << *err << "\n";
    return exit_code::config;
  }
  log::level lvl = log::level::info;
  log::parse_level(cfg.s.log_level, lvl);
  log::configure(lvl);
  if (cli.check_config) {
    std::cout << "easymod: configuration ok\n";
    return exit_code::ok;
  }
  // Before any thread exists, so every thread inherits the blocked mask and
  // the signals reach only the waiting main thread.
  signals::block();
  boot::database_ready db;
  if (auto err = boot::prepare_database(cfg.s, db)) {
    log::error("boot", *err);
    return exit_code::startup_failed;
  }
  if (cli.migrate_only)
    return exit_code::ok;
  auto code = serve(cfg, db);
  boot::record_stop(cfg.s, db.node_start_id, code);
  log::info("app", "stopped", {{"exit_code", code}});
  return code;
}

} // namespace easymo
