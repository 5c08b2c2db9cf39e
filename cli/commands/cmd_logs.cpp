// `devenv logs [SERVICE...]`: the services' logs merged in time order, or followed.
#include <CLI/CLI.hpp>

#include "commands/context.hpp"
#include "ui/logs_view.hpp"

namespace devenv {

LogsOptions LogsArgs::logs_options() const {
    LogsOptions o = options;
    if (tail >= 0) o.tail = tail;
    return o;
}

CLI::App* bind_logs(CLI::App& app, LogsArgs& a) {
    auto* cmd = app.add_subcommand("logs", "The services' logs, merged in time order");
    cmd->add_option("services", a.options.services, "Only these services")->type_name("SERVICE");
    cmd->add_option("-p,--profile", a.profile, "Profile (default: the one `up` started)");
    cmd->add_flag("-f,--follow", a.options.follow, "Keep printing new lines until Ctrl-C");
    cmd->add_option("-n,--tail", a.tail, "Only the last N lines of each service")->type_name("N");
    cmd->add_flag("-t,--timestamps", a.timestamps, "Show each line's time");
    return cmd;
}

void register_logs(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<LogsArgs>();
    bind_logs(app, *a)->callback([&ctx, a] {
        Environment env = ctx.open(a->profile, true, a->options.services);
        LogsView view(*ctx.ui, env.profile, a->timestamps);
        run_logs_command(env, a->logs_options(), view);
    });
}

}  // namespace devenv
