#include "ui/ui.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace devenv {

namespace {
void write_all(FILE* f, std::string_view s) {
    std::fwrite(s.data(), 1, s.size(), f);
    if (s.empty() || s.back() != '\n') std::fputc('\n', f);
    std::fflush(f);
}

std::string paint(bool on, const char* code, std::string_view s) {
    if (!on) return std::string(s);
    return fmt::format("\033[{}m{}\033[0m", code, s);
}
}  // namespace

UiOptions detect_ui_options(bool json, bool quiet, bool verbose, bool no_color, bool show_secrets) {
    UiOptions o;
    o.json = json;
    o.quiet = quiet;
    o.verbose = verbose;
    o.show_secrets = show_secrets;
    const char* nc = std::getenv("NO_COLOR");
    const char* ci = std::getenv("CI");
    const char* term = std::getenv("TERM");
    bool dumb = term && std::string_view(term) == "dumb";
    o.tty = ::isatty(STDERR_FILENO) && !(ci && *ci) && !dumb;
    // Both streams: a table piped to a file or a pager stays free of escape codes.
    // CI logs get plain lines: no cursor movement and no colour.
    o.color = !no_color && !(nc && *nc) && !(ci && *ci) && !dumb && ::isatty(STDERR_FILENO) && ::isatty(STDOUT_FILENO);
    return o;
}

void Ui::write(bool to_err, std::string_view text) const {
    const auto& sink = to_err ? sink_.err : sink_.out;
    if (!sink) {
        write_all(to_err ? stderr : stdout, text);
        return;
    }
    sink(text);
    if (text.empty() || text.back() != '\n') sink("\n");
}

void Ui::out(std::string_view text) const { write(false, text); }

void Ui::note(std::string_view text) const {
    if (!opts_.quiet) write(true, text);
}

void Ui::verbose(std::string_view text) const {
    if (opts_.verbose && !opts_.quiet) write(true, text);
}

void Ui::warn(std::string_view text) const { write(true, fmt::format("{} {}", yellow("warning:"), text)); }

void Ui::error(const Error& e) const { write(true, format_error(e, opts_.color)); }

void Ui::live(std::string_view block) const {
    if (sink_.err) {
        sink_.err(block);
        return;
    }
    std::fwrite(block.data(), 1, block.size(), stderr);
    std::fflush(stderr);
}

std::string Ui::bold(std::string_view s) const { return paint(opts_.color, "1", s); }
std::string Ui::green(std::string_view s) const { return paint(opts_.color, "32", s); }
std::string Ui::red(std::string_view s) const { return paint(opts_.color, "31", s); }
std::string Ui::yellow(std::string_view s) const { return paint(opts_.color, "33", s); }
std::string Ui::dim(std::string_view s) const { return paint(opts_.color, "2", s); }

std::string format_error(const Error& e, bool color) {
    std::string out = paint(color, "1;31", "devenv: error:") + " ";
    const auto& w = e.where();
    if (w && !w->file.empty()) {
        if (w->line > 0) out += fmt::format("{}:{}:{}: ", w->file, w->line, w->column);
        else out += fmt::format("{}: ", w->file);
    }
    if (!e.key_path().empty()) out += e.key_path() + ": ";
    out += e.message();
    out += '\n';
    if (w && w->line > 0 && !w->source_line.empty()) {
        std::string num = std::to_string(w->line);
        // What the file holds, made safe for a terminal: bytes that are not UTF-8 and control
        // characters other than tabs are shown as '?'. The caret counts characters, not bytes.
        std::string shown, pad;
        std::string_view line = w->source_line;
        std::size_t i = 0;
        auto column = static_cast<std::size_t>(std::max(1, w->column));
        while (i < line.size()) {
            std::size_t len = 1;
            auto c = static_cast<unsigned char>(line[i]);
            if (c >= 0x80) {
                len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
                if (i + len > line.size() || invalid_utf8_at(line.substr(i, len))) len = 0;
            }
            bool tab = c == '\t';
            if (len == 0 || (c < 0x20 && !tab) || c == 0x7f) {
                shown += '?';
                len = 1;
            } else {
                shown += line.substr(i, len);
            }
            if (i + 1 < column) pad += tab ? '\t' : ' ';  // keep tabs so the caret lines up
            i += len;
        }
        out += fmt::format(" {} | {}\n", num, shown);
        out += fmt::format(" {} | {}{}\n", std::string(num.size(), ' '), pad, paint(color, "1;32", "^"));
    }
    for (const auto& d : e.details()) out += d + "\n";
    for (const auto& h : e.hints()) out += paint(color, "1", "hint:") + " " + h + "\n";
    return out;
}

}  // namespace devenv
