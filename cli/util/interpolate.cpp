#include "util/interpolate.hpp"

#include <cctype>

#include <fmt/format.h>

#include "util/error.hpp"

namespace devenv {
namespace {

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool braced_name_char(char c) { return name_char(c) || c == '.' || c == '-'; }

struct Parser {
    std::string_view in;
    const VarLookup& lookup;
    std::size_t base;  // offset of `in` within the original input, for messages

    InterpolationResult fail(std::size_t at, std::string msg) const {
        InterpolationResult r;
        r.ok = false;
        r.message = std::move(msg);
        r.offset = base + at;
        return r;
    }

    // Finds the '}' closing the brace opened before `from`, skipping nested ${...}.
    std::optional<std::size_t> closing(std::size_t from) const {
        int depth = 1;
        for (std::size_t i = from; i < in.size(); ++i) {
            if (in[i] == '$' && i + 1 < in.size() && in[i + 1] == '$') {
                ++i;
            } else if (in[i] == '$' && i + 1 < in.size() && in[i + 1] == '{') {
                ++depth;
                ++i;
            } else if (in[i] == '}') {
                if (--depth == 0) return i;
            }
        }
        return std::nullopt;
    }

    InterpolationResult run() const {
        std::string out;
        for (std::size_t i = 0; i < in.size(); ++i) {
            char c = in[i];
            if (c != '$') {
                out += c;
                continue;
            }
            if (i + 1 >= in.size()) {
                out += '$';  // a trailing lone $ is kept, as Compose does
                continue;
            }
            char n = in[i + 1];
            if (n == '$') {
                out += '$';
                ++i;
                continue;
            }
            if (name_start(n)) {
                std::size_t j = i + 1;
                while (j < in.size() && name_char(in[j])) ++j;
                auto v = lookup(in.substr(i + 1, j - i - 1));
                out += v.value_or("");
                i = j - 1;
                continue;
            }
            if (n != '{') return fail(i, "invalid interpolation: a '$' must be followed by a name, '{' or another '$' (write $$ for a literal $)");
            auto close = closing(i + 2);
            if (!close) return fail(i, "unterminated '${': missing '}'");
            std::string_view body = in.substr(i + 2, *close - i - 2);
            std::size_t k = 0;
            while (k < body.size() && braced_name_char(body[k])) ++k;
            std::string_view name = body.substr(0, k);
            if (name.empty() || !(name_start(name[0])))
                return fail(i, fmt::format("invalid variable name in '${{{}}}'", body));
            std::string_view op;
            std::string_view arg;
            if (k < body.size()) {
                if (body[k] == ':' && k + 1 < body.size() && (body[k + 1] == '-' || body[k + 1] == '?' || body[k + 1] == '+')) {
                    op = body.substr(k, 2);
                    arg = body.substr(k + 2);
                } else if (body[k] == '-' || body[k] == '?' || body[k] == '+') {
                    op = body.substr(k, 1);
                    arg = body.substr(k + 1);
                } else {
                    return fail(i + 2 + k, fmt::format("invalid character '{}' in '${{{}}}'", body[k], body));
                }
            }
            auto value = lookup(name);
            bool set = value.has_value();
            bool nonempty = set && !value->empty();
            auto expand = [&](std::string_view text, std::size_t at) {
                Parser sub{text, lookup, base + at};
                return sub.run();
            };
            std::size_t arg_at = i + 2 + k + op.size();
            if (op.empty()) {
                out += value.value_or("");
            } else if (op == ":-" || op == "-") {
                bool use_default = op == ":-" ? !nonempty : !set;
                if (use_default) {
                    auto r = expand(arg, arg_at);
                    if (!r.ok) return r;
                    out += r.value;
                } else {
                    out += *value;
                }
            } else if (op == ":+" || op == "+") {
                bool use_alt = op == ":+" ? nonempty : set;
                if (use_alt) {
                    auto r = expand(arg, arg_at);
                    if (!r.ok) return r;
                    out += r.value;
                }
            } else {  // :? and ?
                bool missing = op == ":?" ? !nonempty : !set;
                if (missing) {
                    auto r = expand(arg, arg_at);
                    std::string msg = r.ok ? r.value : std::string(arg);
                    std::string what = op == ":?" ? "is not set or is empty" : "is not set";
                    return fail(i, msg.empty() ? fmt::format("required variable {} {}", name, what)
                                               : fmt::format("required variable {} {}: {}", name, what, msg));
                }
                out += *value;
            }
            i = *close;
        }
        InterpolationResult r;
        r.value = std::move(out);
        return r;
    }
};

}  // namespace

InterpolationResult try_interpolate(std::string_view input, const VarLookup& lookup) {
    Parser p{input, lookup, 0};
    return p.run();
}

std::string interpolate(std::string_view input, const VarLookup& lookup) {
    auto r = try_interpolate(input, lookup);
    if (!r.ok) throw Error(ErrorKind::profile, r.message);
    return r.value;
}

bool has_interpolation(std::string_view input) { return input.find('$') != std::string_view::npos; }

std::string escape_dollars(std::string_view input) {
    std::string out;
    out.reserve(input.size());
    for (char c : input) {
        if (c == '$') out += '$';
        out += c;
    }
    return out;
}

std::optional<std::string> whole_reference(std::string_view input) {
    if (input.size() < 4 || !input.starts_with("${") || input.back() != '}') return std::nullopt;
    std::string_view name = input.substr(2, input.size() - 3);
    if (name.empty() || !name_start(name[0])) return std::nullopt;
    for (char c : name)
        if (!braced_name_char(c)) return std::nullopt;
    return std::string(name);
}

}  // namespace devenv
