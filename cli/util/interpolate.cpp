#include "util/interpolate.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace devenv {
namespace {

bool name_start(char c) { return is_alpha(c) || c == '_'; }
bool name_char(char c) { return is_alnum(c) || c == '_'; }

// Parsed first, evaluated second: syntax errors surface in branches that are never taken.
struct Piece {
    std::string literal;     // a run of text, when `name` is empty
    std::string name;
    std::string_view op;     // "", ":-", "-", ":+", "+", ":?" or "?"
    std::vector<Piece> arg;  // default, alternative or message
    std::size_t offset = 0;  // of the '$' in the whole input
};

struct Failure {
    InterpolationError error = InterpolationError::none;
    std::string message;
    std::string variable;
    std::size_t offset = 0;
};

// Length of the Compose name at the start of `s` (0 if none).
std::size_t plain_name_length(std::string_view s) {
    if (s.empty() || !name_start(s[0])) return 0;
    std::size_t k = 1;
    while (k < s.size() && name_char(s[k])) ++k;
    return k;
}

// Length of a devenv qualified name (qualifier.segment...) at the start of `s`, 0 if none.
std::size_t qualified_name_length(std::string_view s) {
    if (s.empty() || !name_start(s[0])) return 0;
    std::size_t k = 1;
    while (k < s.size() && (name_char(s[k]) || s[k] == '-')) ++k;
    if (s[k - 1] == '-') return 0;
    std::size_t segments = 0;
    while (k + 1 < s.size() && s[k] == '.' && name_start(s[k + 1])) {
        k += 2;
        while (k < s.size() && name_char(s[k])) ++k;
        ++segments;
    }
    return segments > 0 ? k : 0;
}

// For each '{' of the input, the index of its '}' (npos when unmatched), found in one pass.
// Compose counts every brace, so "${A:-{x}}" has the default "{x}".
std::vector<std::size_t> match_braces(std::string_view in) {
    std::vector<std::size_t> close(in.size(), std::string_view::npos);
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '{') {
            open.push_back(i);
        } else if (in[i] == '}' && !open.empty()) {
            close[open.back()] = i;
            open.pop_back();
        }
    }
    return close;
}

// Nested ${...} inside a default, alternative or message, at most: deeper is refused, so no
// input can exhaust the stack.
constexpr int kMaxNesting = 32;

std::string shorten(std::string_view s) {
    constexpr std::size_t max = 40;
    return s.size() <= max ? std::string(s) : fmt::format("{}...", s.substr(0, max));
}

class Parser {
public:
    Parser(std::string_view whole, Failure& failure) : close_(match_braces(whole)), failure_(failure) {}

    // `in` is a slice of the whole input starting at offset `base`.
    bool parse(std::string_view in, std::size_t base, std::vector<Piece>& out) {
        std::string text;
        auto flush = [&] {
            if (text.empty()) return;
            Piece p;
            p.literal = std::move(text);
            out.push_back(std::move(p));
            text.clear();
        };
        for (std::size_t i = 0; i < in.size(); ++i) {
            char next = i + 1 < in.size() ? in[i + 1] : '\0';
            if (in[i] != '$' || i + 1 >= in.size()) {
                text += in[i];
            } else if (next == '$') {
                text += '$';
                ++i;
            } else if (name_start(next)) {
                flush();
                std::size_t len = plain_name_length(in.substr(i + 1));
                Piece p;
                p.name = std::string(in.substr(i + 1, len));
                p.offset = base + i;
                out.push_back(std::move(p));
                i += len;
            } else if (next == '{') {
                flush();
                std::size_t close = close_[base + i + 1];
                if (close == std::string_view::npos || close >= base + in.size()) {
                    return fail(InterpolationError::syntax, base + i, name_in(in.substr(i + 2)),
                                fmt::format("unterminated '{}': missing '}}'", shorten(in.substr(i))));
                }
                Piece p;
                p.offset = base + i;
                if (++depth_ > kMaxNesting)
                    return fail(InterpolationError::syntax, base + i, name_in(in.substr(i + 2)),
                                fmt::format("more than {} levels of nested '${{...}}'", kMaxNesting));
                bool ok = braced(in.substr(i + 2, close - base - i - 2), base + i + 2, p);
                --depth_;
                if (!ok) return false;
                out.push_back(std::move(p));
                i = close - base;
            } else {
                text += '$';  // "$1", "$ ", "$é": Compose keeps these as written
            }
        }
        flush();
        return true;
    }

private:
    std::vector<std::size_t> close_;  // by offset in the whole input
    Failure& failure_;
    int depth_ = 0;

    static std::string name_in(std::string_view body) {
        std::size_t q = qualified_name_length(body);
        return std::string(body.substr(0, q ? q : plain_name_length(body)));
    }

    bool fail(InterpolationError error, std::size_t offset, std::string variable, std::string message) {
        failure_ = Failure{error, std::move(message), std::move(variable), offset};
        return false;
    }

    // The text between "${" and its "}", which starts at `base` in the whole input.
    bool braced(std::string_view body, std::size_t base, Piece& p) {
        std::size_t len = qualified_name_length(body);
        if (len == 0) len = plain_name_length(body);
        std::size_t dollar = base - 2;
        if (len == 0) {
            return fail(InterpolationError::syntax, dollar, "",
                        body.empty() ? std::string("missing variable name in '${}'")
                                     : fmt::format("invalid variable name in '${{{}}}'", shorten(body)));
        }
        p.name = std::string(body.substr(0, len));
        std::string_view rest = body.substr(len);
        if (rest.empty()) return true;
        if (rest.size() >= 2 && rest[0] == ':' && (rest[1] == '-' || rest[1] == '+' || rest[1] == '?'))
            p.op = rest.substr(0, 2);
        else if (rest[0] == '-' || rest[0] == '+' || rest[0] == '?')
            p.op = rest.substr(0, 1);
        else
            return fail(InterpolationError::syntax, base + len, p.name,
                        fmt::format("invalid character '{}' after variable name {} in '${{{}}}' "
                                    "(expected '}}', ':-', '-', ':+', '+', ':?' or '?')",
                                    rest[0], p.name, shorten(body)));
        return parse(rest.substr(p.op.size()), base + len + p.op.size(), p.arg);
    }
};

thread_local InterpolationBudget* active_budget = nullptr;
thread_local std::size_t budget_left = 0;

class Evaluator {
public:
    Evaluator(const EnvLookup& lookup, Failure& failure) : lookup_(lookup), failure_(failure) {}

    bool run(const std::vector<Piece>& pieces, std::string& out) {
        for (const auto& p : pieces) {
            if (!within_limit(p, out)) return false;
            if (p.name.empty()) {
                out += p.literal;
                continue;
            }
            auto value = lookup_(p.name);
            if (value && invalid_utf8_at(*value)) {
                failure_ = Failure{InterpolationError::syntax,
                                   fmt::format("variable {} holds bytes that are not valid UTF-8", p.name), p.name,
                                   p.offset};
                return false;
            }
            bool set = value.has_value();
            bool filled = set && !value->empty();
            bool colon = p.op.size() == 2;
            char kind = p.op.empty() ? '\0' : p.op.back();
            if (kind == '-') {
                if (colon ? filled : set) out += *value;
                else if (!run(p.arg, out)) return false;
            } else if (kind == '+') {
                if ((colon ? filled : set) && !run(p.arg, out)) return false;
            } else if (kind == '?' && !(colon ? filled : set)) {
                std::string message;
                if (!run(p.arg, message)) return false;
                std::string what = set ? "is empty" : "is not set";
                failure_ = Failure{InterpolationError::required,
                                   message.empty() ? fmt::format("required variable {} {}", p.name, what)
                                                   : fmt::format("required variable {} {}: {}", p.name, what, message),
                                   p.name, p.offset};
                return false;
            } else {
                out += value.value_or("");
            }
        }
        return pieces.empty() || within_limit(pieces.back(), out);
    }

private:
    std::size_t limit_ = std::min(kMaxInterpolatedBytes, InterpolationBudget::remaining());

    bool within_limit(const Piece& p, const std::string& out) {
        if (out.size() <= limit_) return true;
        failure_ = Failure{InterpolationError::too_large,
                           limit_ < kMaxInterpolatedBytes
                               ? fmt::format("interpolation expands past the {} MiB all values together may take "
                                             "(a variable that repeats another one?)",
                                             kMaxInterpolatedBytes >> 20)
                               : fmt::format("the value expands to more than {} MiB", kMaxInterpolatedBytes >> 20),
                           p.name, p.offset};
        return false;
    }

    const EnvLookup& lookup_;
    Failure& failure_;
};

InterpolationResult failed(Failure f) {
    InterpolationResult r;
    r.ok = false;
    r.error = f.error;
    r.message = std::move(f.message);
    r.variable = std::move(f.variable);
    r.offset = f.offset;
    return r;
}

}  // namespace

InterpolationBudget::InterpolationBudget(std::size_t bytes) {
    if (active_budget) return;
    active_budget = this;
    active_ = true;
    budget_left = bytes;
}

InterpolationBudget::~InterpolationBudget() {
    if (active_) active_budget = nullptr;
}

std::size_t InterpolationBudget::remaining() { return active_budget ? budget_left : kMaxInterpolatedBytes; }

bool InterpolationBudget::charge(std::size_t bytes) {
    if (!active_budget) return true;
    if (bytes > budget_left) {
        budget_left = 0;
        return false;
    }
    budget_left -= bytes;
    return true;
}

InterpolationResult try_interpolate(std::string_view input, const EnvLookup& lookup) {
    Failure failure;
    std::vector<Piece> pieces;
    if (!Parser(input, failure).parse(input, 0, pieces)) return failed(std::move(failure));
    InterpolationResult r;
    if (!Evaluator(lookup, failure).run(pieces, r.value)) return failed(std::move(failure));
    (void)InterpolationBudget::charge(r.value.size());  // what is left bounds the next one
    return r;
}

std::string interpolate(std::string_view input, const EnvLookup& lookup) {
    auto r = try_interpolate(input, lookup);
    if (!r.ok) throw Error(ErrorKind::profile, r.message);
    return std::move(r.value);
}

bool has_interpolation(std::string_view input) {
    for (std::size_t i = 0; i + 1 < input.size(); ++i) {
        if (input[i] != '$') continue;
        char next = input[i + 1];
        if (next == '$' || next == '{' || name_start(next)) return true;
    }
    return false;
}

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
    std::string_view body = input.substr(2, input.size() - 3);
    std::size_t len = qualified_name_length(body);
    if (len == 0) len = plain_name_length(body);
    if (len == 0 || len != body.size()) return std::nullopt;
    return std::string(body);
}

}  // namespace devenv
