#include "commands/cli_spec.hpp"

#include <algorithm>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace devenv {

namespace {

// "TEXT:{shell,dotenv,json,github}" -> the names after ':' when they are a member list.
std::vector<std::string> member_choices(const std::string& full_type) {
    std::vector<std::string> out;
    auto open = full_type.find(":{");
    if (open == std::string::npos) return out;
    auto close = full_type.find('}', open);
    if (close == std::string::npos) return out;
    std::string list = full_type.substr(open + 2, close - open - 2);
    std::string cur;
    for (char c : list) {
        if (c == ',') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else if (c != ' ') {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

OptionSpec option_spec(const CLI::Option& o, const std::string& command) {
    OptionSpec s;
    s.positional = o.get_positional() && o.get_lnames().empty() && o.get_snames().empty();
    if (s.positional) {
        s.names.push_back(o.get_name(true, false));
    } else {
        for (const auto& n : o.get_snames()) s.names.push_back("-" + n);
        for (const auto& n : o.get_lnames()) s.names.push_back("--" + n);
    }
    s.takes_value = o.get_expected_max() > 0 && o.get_type_size_max() > 0;  // flags expect 0 values
    s.repeatable = s.takes_value && o.get_expected_max() > 1;
    s.description = o.get_description();
    std::string full = s.takes_value ? o.get_type_name() : std::string();
    s.type_name = full.substr(0, full.find(':'));
    s.choices = member_choices(full);

    std::string key = s.positional ? s.names.front() : (o.get_lnames().empty() ? "" : o.get_lnames().front());
    if (!s.takes_value) s.kind = ValueKind::none;
    else if (!s.choices.empty()) s.kind = ValueKind::choices;
    else if (key == "profile" || s.type_name == "PROFILE") s.kind = ValueKind::profiles;
    else if (key == "services" || s.type_name == "SERVICE") s.kind = ValueKind::services;
    else if (key == "overlay") s.kind = ValueKind::overlays;
    else if (command == "templates" && s.positional) s.kind = ValueKind::templates;
    else if (s.type_name == "DIR") s.kind = ValueKind::dirs;
    else if (s.type_name == "FILE") s.kind = ValueKind::files;
    if (s.type_name == "TEXT" && s.positional) s.type_name = key == "profile" ? "PROFILE" : "";
    if (s.type_name == "TEXT") s.type_name = key == "profile" ? "PROFILE" : "VALUE";
    if (s.type_name.empty()) {
        std::string up;
        for (char c : key) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        s.type_name = up;
    }
    return s;
}

void collect(const CLI::App& app, const std::string& command, std::vector<OptionSpec>& named,
             std::vector<OptionSpec>* positionals) {
    for (const CLI::Option* o : app.get_options()) {
        if (o == app.get_help_ptr() || o == app.get_help_all_ptr()) continue;
        if (o->get_group().empty()) continue;  // hidden
        OptionSpec s = option_spec(*o, command);
        if (s.positional) {
            if (positionals) positionals->push_back(std::move(s));
        } else {
            named.push_back(std::move(s));
        }
    }
}

// Single quotes for a shell word.
std::string sq(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string join_names(const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

const char* helper_of(ValueKind k) {
    switch (k) {
    case ValueKind::profiles: return "profiles";
    case ValueKind::services: return "services";
    case ValueKind::overlays: return "overlays";
    case ValueKind::templates: return "templates";
    default: return nullptr;
    }
}

// The `case` both shell scripts use to know which option words swallow the next word.
std::string takes_value_function(const CliSpec& spec, const std::string& indent_fn) {
    std::string f = indent_fn + "_devenv_takes_value() {\n    case \"$1:$2\" in\n";
    for (const auto& c : spec.commands) {
        std::vector<std::string> val, flag;
        for (const auto& o : c.options)
            for (const auto& n : o.names) (o.takes_value ? val : flag).push_back(c.name + ":" + n);
        if (!val.empty()) f += fmt::format("        {}) return 0 ;;\n", join_names(val, "|"));
        if (!flag.empty()) f += fmt::format("        {}) return 1 ;;\n", join_names(flag, "|"));
    }
    f += "    esac\n    case \"$2\" in\n";
    std::vector<std::string> gval;
    for (const auto& o : spec.globals)
        if (o.takes_value)
            for (const auto& n : o.names) gval.push_back(n);
    if (!gval.empty()) f += fmt::format("        {}) return 0 ;;\n", join_names(gval, "|"));
    f += "    esac\n    return 1\n}\n";
    return f;
}

struct ValueCase {
    std::string pattern;  // "env:--format", "up:" (positional), "*:-C"
    const OptionSpec* opt;
};

std::vector<ValueCase> value_cases(const CliSpec& spec) {
    std::vector<ValueCase> cases;
    for (const auto& c : spec.commands) {
        for (const auto& o : c.options)
            if (o.takes_value && o.kind != ValueKind::none)
                for (const auto& n : o.names) cases.push_back({c.name + ":" + n, &o});
        if (!c.positionals.empty() && c.positionals.front().kind != ValueKind::none)
            cases.push_back({c.name + ":", &c.positionals.front()});
    }
    for (const auto& o : spec.globals)
        if (o.takes_value && o.kind != ValueKind::none)
            for (const auto& n : o.names) cases.push_back({"*:" + n, &o});
    return cases;
}

std::string roff_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out += c;
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
    return out;
}

std::string option_synopsis(const OptionSpec& o) {
    std::string names = join_names(o.names, ", ");
    return o.takes_value ? fmt::format("{} {}", names, o.type_name) : names;
}

std::string command_usage(const CommandSpec& c) {
    std::string u = "devenv " + c.name;
    if (!c.options.empty()) u += " [OPTIONS]";
    for (const auto& p : c.positionals) u += fmt::format(" [{}{}]", p.type_name, p.repeatable ? "..." : "");
    return u;
}

}  // namespace

CliSpec describe_cli(const CLI::App& app) {
    CliSpec spec;
    spec.name = app.get_name();
    spec.description = app.get_description();
    collect(app, "", spec.globals, nullptr);
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_name().rfind("__", 0) == 0 || sub->get_group().empty()) continue;
        CommandSpec c;
        c.name = sub->get_name();
        c.description = sub->get_description();
        collect(*sub, c.name, c.options, &c.positionals);
        spec.commands.push_back(std::move(c));
    }
    return spec;
}

const std::vector<ExitCodeDoc>& exit_code_table() {
    static const std::vector<ExitCodeDoc> table = {
        {0, "success"},
        {1, "anything else (doctor: a check failed)"},
        {2, "usage or profile error"},
        {3, "container engine or Compose unavailable or failed (doctor: the engine or Compose check failed)"},
        {4, "a service did not become ready (timeout or exited); status: not every service is ready"},
        {5, "seeding or reset failed"},
        {130, "interrupted (Ctrl-C, SIGINT)"},
        {143, "terminated (SIGTERM); like 130, the project is left consistent and the lock released"},
    };
    return table;
}

std::string exit_codes_help() {
    std::string out = "Exit codes:\n";
    for (const auto& e : exit_code_table()) out += fmt::format("  {:<4} {}\n", e.code, e.meaning);
    return out;
}

std::string bash_completion(const CliSpec& spec) {
    std::vector<std::string> cmds;
    for (const auto& c : spec.commands) cmds.push_back(c.name);
    std::vector<std::string> gopts;
    for (const auto& o : spec.globals)
        for (const auto& n : o.names) gopts.push_back(n);
    gopts.push_back("--help");

    std::string s =
        "# bash completion for devenv.\n"
        "# Generated by `devenv completion bash` from devenv's command definitions: do not edit.\n"
        "# Load it with `source <(devenv completion bash)` or install it as\n"
        "# /usr/share/bash-completion/completions/devenv.\n\n";
    s += takes_value_function(spec, "");
    s += "\n_devenv_options() {\n    case \"$1\" in\n";
    for (const auto& c : spec.commands) {
        std::vector<std::string> names;
        for (const auto& o : c.options)
            for (const auto& n : o.names) names.push_back(n);
        if (!names.empty()) s += fmt::format("        {}) echo {} ;;\n", c.name, sq(join_names(names, " ")));
    }
    s += fmt::format("    esac\n    echo {}\n}}\n", sq(join_names(gopts, " ")));

    s += "\n# Completes the value of option $2 of command $1 (\"\" for the command's argument).\n"
         "_devenv_values() {\n    local words=\"\"\n    case \"$1:$2\" in\n";
    for (const auto& vc : value_cases(spec)) {
        const OptionSpec& o = *vc.opt;
        std::string action;
        if (o.kind == ValueKind::choices) action = fmt::format("words={}", sq(join_names(o.choices, " ")));
        else if (const char* h = helper_of(o.kind))
            action = fmt::format("words=$(command \"${{COMP_WORDS[0]}}\" __complete {} 2>/dev/null)", h);
        else if (o.kind == ValueKind::dirs)
            action = "compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -d -- \"$cur\") ); return";
        else if (o.kind == ValueKind::files)
            action = "compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- \"$cur\") ); return";
        s += fmt::format("        {}) {} ;;\n", vc.pattern, action);
    }
    s += "    esac\n    COMPREPLY=( $(compgen -W \"$words\" -- \"$cur\") )\n}\n";

    s += fmt::format(
        "\n_devenv() {{\n"
        "    local cur=\"${{COMP_WORDS[COMP_CWORD]}}\" prev=\"\" cmd=\"\" i w\n"
        "    COMPREPLY=()\n"
        "    (( COMP_CWORD > 0 )) && prev=\"${{COMP_WORDS[COMP_CWORD-1]}}\"\n"
        "    # The command is the first word that is neither an option nor an option's value.\n"
        "    for (( i = 1; i < COMP_CWORD; i++ )); do\n"
        "        w=\"${{COMP_WORDS[i]}}\"\n"
        "        if [[ $w == -* ]]; then\n"
        "            if [[ $w != *=* ]] && _devenv_takes_value \"$cmd\" \"$w\"; then i=$(( i + 1 )); fi\n"
        "        elif [[ -z $cmd ]]; then\n"
        "            cmd=\"$w\"\n"
        "        fi\n"
        "    done\n"
        "    if [[ $COMP_CWORD -gt 1 && $prev == -* ]] && _devenv_takes_value \"$cmd\" \"$prev\"; then\n"
        "        _devenv_values \"$cmd\" \"$prev\"\n"
        "    elif [[ $cur == -* ]]; then\n"
        "        COMPREPLY=( $(compgen -W \"$(_devenv_options \"$cmd\")\" -- \"$cur\") )\n"
        "    elif [[ -z $cmd ]]; then\n"
        "        COMPREPLY=( $(compgen -W {} -- \"$cur\") )\n"
        "    else\n"
        "        _devenv_values \"$cmd\" \"\"\n"
        "    fi\n"
        "}}\n"
        "complete -F _devenv devenv\n",
        sq(join_names(cmds, " ")));
    return s;
}

std::string zsh_completion(const CliSpec& spec) {
    auto describe_item = [](const std::string& name, const std::string& desc) {
        std::string d;
        for (char c : desc) d += c == ':' ? std::string("\\:") : std::string(1, c);
        return sq(name + ":" + d);
    };
    std::string s =
        "#compdef devenv\n"
        "# zsh completion for devenv.\n"
        "# Generated by `devenv completion zsh` from devenv's command definitions: do not edit.\n"
        "# Install it as _devenv in a folder of $fpath, or `source <(devenv completion zsh)` after compinit.\n\n";
    s += takes_value_function(spec, "");
    s += "\n_devenv_options() {\n    local -a opts\n    case \"$1\" in\n";
    for (const auto& c : spec.commands) {
        std::vector<std::string> items;
        for (const auto& o : c.options)
            for (const auto& n : o.names) items.push_back(describe_item(n, o.description));
        if (!items.empty()) s += fmt::format("        {}) opts=({}) ;;\n", c.name, join_names(items, " "));
    }
    s += "    esac\n";
    std::vector<std::string> gitems;
    for (const auto& o : spec.globals)
        for (const auto& n : o.names) gitems.push_back(describe_item(n, o.description));
    gitems.push_back(describe_item("--help", "Print help"));
    s += fmt::format("    opts+=({})\n    _describe -t options option opts\n}}\n", join_names(gitems, " "));

    s += "\n_devenv_values() {\n    case \"$1:$2\" in\n";
    for (const auto& vc : value_cases(spec)) {
        const OptionSpec& o = *vc.opt;
        std::string action;
        if (o.kind == ValueKind::choices) action = fmt::format("compadd -- {}", join_names(o.choices, " "));
        else if (const char* h = helper_of(o.kind))
            action = fmt::format("compadd -- ${{(f)\"$(command ${{words[1]}} __complete {} 2>/dev/null)\"}}", h);
        else if (o.kind == ValueKind::dirs) action = "_directories";
        else if (o.kind == ValueKind::files) action = "_files";
        s += fmt::format("        {}) {} ;;\n", vc.pattern, action);
    }
    s += "    esac\n}\n";

    std::vector<std::string> citems;
    for (const auto& c : spec.commands) citems.push_back(describe_item(c.name, c.description));
    s += fmt::format(
        "\n_devenv() {{\n"
        "    local cur=\"${{words[CURRENT]}}\" prev=\"${{words[CURRENT-1]}}\" cmd=\"\" i w\n"
        "    for (( i = 2; i < CURRENT; i++ )); do\n"
        "        w=\"${{words[i]}}\"\n"
        "        if [[ $w == -* ]]; then\n"
        "            if [[ $w != *=* ]] && _devenv_takes_value \"$cmd\" \"$w\"; then i=$(( i + 1 )); fi\n"
        "        elif [[ -z $cmd ]]; then\n"
        "            cmd=\"$w\"\n"
        "        fi\n"
        "    done\n"
        "    if [[ $CURRENT -gt 2 && $prev == -* ]] && _devenv_takes_value \"$cmd\" \"$prev\"; then\n"
        "        _devenv_values \"$cmd\" \"$prev\"\n"
        "    elif [[ $cur == -* ]]; then\n"
        "        _devenv_options \"$cmd\"\n"
        "    elif [[ -z $cmd ]]; then\n"
        "        local -a cmds=({})\n"
        "        _describe -t commands command cmds\n"
        "    else\n"
        "        _devenv_values \"$cmd\" \"\"\n"
        "    fi\n"
        "}}\n\n"
        "if [[ $funcstack[1] == _devenv ]]; then\n"
        "    _devenv \"$@\"\n"
        "else\n"
        "    compdef _devenv devenv\n"
        "fi\n",
        join_names(citems, " "));
    return s;
}

std::string fish_completion(const CliSpec& spec) {
    auto value_args = [](const OptionSpec& o) -> std::string {
        if (o.kind == ValueKind::choices) return fmt::format(" -x -a {}", sq(join_names(o.choices, " ")));
        if (const char* h = helper_of(o.kind)) return fmt::format(" -x -a '(devenv __complete {} 2>/dev/null)'", h);
        if (o.kind == ValueKind::dirs) return " -x -a '(__fish_complete_directories (commandline -ct))'";
        if (o.kind == ValueKind::files) return " -r -F";
        return o.takes_value ? " -x" : "";
    };
    auto names_args = [](const OptionSpec& o) {
        std::string a;
        for (const auto& n : o.names) {
            if (n.rfind("--", 0) == 0) a += " -l " + n.substr(2);
            else a += " -s " + n.substr(1);
        }
        return a;
    };
    std::string s =
        "# fish completion for devenv.\n"
        "# Generated by `devenv completion fish` from devenv's command definitions: do not edit.\n"
        "# Install it as ~/.config/fish/completions/devenv.fish.\n\n"
        "complete -c devenv -f\n";
    for (const auto& c : spec.commands)
        s += fmt::format("complete -c devenv -n __fish_use_subcommand -a {} -d {}\n", c.name, sq(c.description));
    for (const auto& o : spec.globals)
        s += fmt::format("complete -c devenv{}{} -d {}\n", names_args(o), value_args(o), sq(o.description));
    for (const auto& c : spec.commands) {
        std::string cond = fmt::format(" -n '__fish_seen_subcommand_from {}'", c.name);
        for (const auto& o : c.options)
            s += fmt::format("complete -c devenv{}{}{} -d {}\n", cond, names_args(o), value_args(o), sq(o.description));
        if (!c.positionals.empty() && c.positionals.front().kind != ValueKind::none) {
            const OptionSpec& p = c.positionals.front();
            std::string args = value_args(p);
            if (p.kind == ValueKind::files) args = " -F";
            s += fmt::format("complete -c devenv{}{}\n", cond, args);
        }
    }
    return s;
}

std::string man_page(const CliSpec& spec, const std::string& version) {
    std::string m;
    m += fmt::format(".TH DEVENV 1 \"\" \"devenv {}\" \"User Commands\"\n", version);
    m += ".\\\" Generated by `devenv __man` from the command definitions that --help prints.\n";
    m += ".SH NAME\ndevenv \\- your infrastructure on your machine and in CI, in one command\n";
    m += ".SH SYNOPSIS\n.B devenv\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n";
    m += ".SH DESCRIPTION\n";
    m += "devenv reads a declarative profile (the project's \\fIdevenv.yaml\\fR or a built\\-in one: aws, web, "
         "events), renders a Docker Compose file into \\fI.devenv/\\fR, starts it, waits until every service "
         "really answers, seeds what the project declares, shows status and exports connection variables.\n";
    m += ".SH COMMANDS\n";
    for (const auto& c : spec.commands) {
        m += fmt::format(".SS {}\n", roff_escape(command_usage(c)));
        m += roff_escape(c.description) + "\n";
        for (const auto& p : c.positionals) {
            m += fmt::format(".TP\n.I {}\n{}\n", roff_escape(p.type_name + (p.repeatable ? "..." : "")),
                             roff_escape(p.description));
        }
        for (const auto& o : c.options) {
            m += fmt::format(".TP\n.B {}\n{}\n", roff_escape(option_synopsis(o)), roff_escape(o.description));
            if (!o.choices.empty()) m += fmt::format("One of: {}.\n", roff_escape(join_names(o.choices, ", ")));
        }
    }
    m += ".SH GLOBAL OPTIONS\nAccepted before or after the command.\n";
    for (const auto& o : spec.globals)
        m += fmt::format(".TP\n.B {}\n{}\n", roff_escape(option_synopsis(o)), roff_escape(o.description));
    m += ".TP\n.B \\-h, \\-\\-help\nPrint help (also after a command).\n";
    m += ".TP\n.B \\-\\-version\nPrint the version.\n";
    m += ".SH EXIT STATUS\n";
    for (const auto& e : exit_code_table()) m += fmt::format(".TP\n.B {}\n{}\n", e.code, roff_escape(e.meaning));
    m += ".SH ENVIRONMENT\n";
    const std::pair<const char*, const char*> envs[] = {
        {"NO_COLOR", "No colours when set (also --no-color)."},
        {"CI", "When set: plain timestamped lines instead of live progress."},
        {"DOCKER_HOST", "The engine to talk to (unix:// or tcp://); default /var/run/docker.sock."},
        {"DEVENV_COMPOSE", "The Compose command to run instead of `docker compose`."},
        {"DEVENV_PROJECT", "Compose project name (default: the project folder's name)."},
        {"AWS_EMULATOR", "The aws profile's emulator: localstack (default) or moto."},
        {"LOCALSTACK_AUTH_TOKEN", "Passed to LocalStack images that need an account."},
        {"GITHUB_ENV", "File `devenv env --format github` appends to."},
    };
    for (const auto& [k, v] : envs) m += fmt::format(".TP\n.B {}\n{}\n", k, roff_escape(v));
    m += ".SH FILES\n";
    m += ".TP\n.I devenv.yaml\nThe project's profile, found in the current folder or above.\n";
    m += ".TP\n.I .env, .env.local\nVariables for interpolation (.env.local is personal).\n";
    m += ".TP\n.I .devenv/\nThe rendered Compose file, state and lock; add it to .gitignore (devenv init does).\n";
    m += ".SH EXAMPLES\n.nf\n";
    for (const char* line : {"devenv init --from aws", "devenv doctor", "devenv up aws --timeout 120",
                             "eval \"$(devenv env)\"", "devenv status --json", "devenv down --volumes"})
        m += roff_escape(line) + "\n";
    m += ".fi\n";
    m += ".SH SEE ALSO\n.BR docker (1),\n.BR docker\\-compose (1)\n";
    return m;
}

}  // namespace devenv
