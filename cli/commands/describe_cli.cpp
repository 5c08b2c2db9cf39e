#include "commands/describe_cli.hpp"

#include <cctype>

#include <CLI/CLI.hpp>

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

}  // namespace devenv
