#include "util/dotenv.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace devenv {
namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }
bool key_char(char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; }

// A value after unescaping, with the position in the file of each character so that an
// interpolation error inside a multi-line value still points at the right line and column.
struct Unescaped {
    std::string text;
    std::vector<std::size_t> at;
    void add(char c, std::size_t pos) {
        text += c;
        at.push_back(pos);
    }
};

class DotenvParser {
public:
    DotenvParser(std::string_view text, const std::string& file, const EnvLookup& lookup)
        : text_(text), file_(file), lookup_(lookup) {
        if (text_.starts_with("\xEF\xBB\xBF")) skip_ = 3;  // a UTF-8 byte order mark
        line_starts_.push_back(0);
        for (std::size_t i = 0; i < text_.size(); ++i)
            if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }

    std::vector<DotenvEntry> run() {
        if (auto bad = invalid_utf8_at(text_))
            throw error_at(*bad, "this byte is not valid UTF-8 (save the file as UTF-8)");
        std::size_t pos = skip_;
        while (pos < text_.size()) pos = entry(pos);
        return std::move(out_);
    }

private:
    std::string_view text_;
    const std::string& file_;
    const EnvLookup& lookup_;
    std::size_t skip_ = 0;
    std::vector<std::size_t> line_starts_;
    std::vector<DotenvEntry> out_;
    std::map<std::string, std::string, std::less<>> seen_;

    std::size_t line_end(std::size_t pos) const {
        std::size_t nl = text_.find('\n', pos);
        return nl == std::string_view::npos ? text_.size() : nl;
    }
    // The end of a line's content: before the '\n' and a '\r' ahead of it.
    std::size_t content_end(std::size_t pos) const {
        std::size_t e = line_end(pos);
        return e > pos && text_[e - 1] == '\r' ? e - 1 : e;
    }
    std::size_t next_line(std::size_t pos) const { return std::min(line_end(pos) + 1, text_.size()); }

    int line_index(std::size_t pos) const {
        auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), pos);
        return static_cast<int>(it - line_starts_.begin()) - 1;
    }

    Error error_at(std::size_t pos, std::string message) const {
        int li = line_index(pos);
        std::size_t start = line_starts_[static_cast<std::size_t>(li)];
        return Error(ErrorKind::profile, std::move(message),
                     SourceLocation{file_, li + 1, static_cast<int>(pos - start) + 1,
                                    std::string(text_.substr(start, content_end(start) - start))});
    }

    // Parses the entry (or blank or comment line) at `pos`; returns where the next one starts.
    std::size_t entry(std::size_t pos) {
        std::size_t end = content_end(pos);
        std::size_t p = pos;
        while (p < end && blank(text_[p])) ++p;
        if (p == end || text_[p] == '#') return next_line(pos);
        if (text_.substr(p, end - p).starts_with("export") && p + 6 < end && blank(text_[p + 6])) {
            p += 6;
            while (p < end && blank(text_[p])) ++p;
        }
        std::size_t key_at = p;
        while (p < end && key_char(text_[p])) ++p;
        std::string key(text_.substr(key_at, p - key_at));
        if (key_at == end) throw error_at(key_at, "expected a variable name after 'export'");
        if (key.empty())
            throw error_at(key_at, fmt::format("expected a variable name, found '{}'", text_[key_at]));
        if (!is_alpha(key[0]) && key[0] != '_')
            throw error_at(key_at, fmt::format("invalid variable name '{}'", key));
        int line = line_index(key_at) + 1;
        while (p < end && blank(text_[p])) ++p;
        if (p == end || text_[p] == '#') {
            // KEY alone: Compose passes the environment's value through.
            if (auto v = lookup_ ? lookup_(key) : std::nullopt) add(std::move(key), std::move(*v), line);
            return next_line(pos);
        }
        if (text_[p] != '=' && text_[p] != ':')
            throw error_at(p, fmt::format("unexpected '{}' after the name {} (expected '=')", text_[p], key));
        ++p;
        while (p < end && blank(text_[p])) ++p;
        if (p < end && (text_[p] == '\'' || text_[p] == '"')) return quoted(key, line, p);

        std::size_t v_end = end;
        for (std::size_t i = p + 1; i < end; ++i)
            if (text_[i] == '#' && text_[i - 1] == ' ') {
                v_end = i;
                break;
            }
        while (v_end > p && is_space(text_[v_end - 1])) --v_end;
        Unescaped v;
        for (std::size_t i = p; i < v_end; ++i) v.add(text_[i], i);
        add(key, interpolated(key, v, p), line);
        return next_line(pos);
    }

    std::size_t quoted(const std::string& key, int line, std::size_t open) {
        char q = text_[open];
        Unescaped v;
        std::size_t i = open + 1;
        for (;; ++i) {
            if (i >= text_.size()) throw error_at(open, fmt::format("unterminated quoted value for {}", key));
            char c = text_[i];
            if (c == q) break;
            if (c == '\r' && i + 1 < text_.size() && text_[i + 1] == '\n') continue;
            if (c != '\\' || i + 1 >= text_.size()) {
                v.add(c, i);
                continue;
            }
            char n = text_[i + 1];
            if (q == '\'') {  // only \' means something, but "\\" still pairs up, as in Compose
                if (n == '\'') {
                    v.add(n, i++);
                } else {
                    v.add(c, i++);
                    v.add(n, i);
                }
                continue;
            }
            switch (n) {
            case 'n': v.add('\n', i); break;
            case 't': v.add('\t', i); break;
            case 'r': v.add('\r', i); break;
            case '\\':
            case '"': v.add(n, i); break;
            case '$':  // kept out of interpolation
                v.add('$', i);
                v.add('$', i);
                break;
            default:
                v.add(c, i);
                v.add(n, i + 1);
            }
            ++i;
        }
        std::size_t end = content_end(i);
        std::size_t p = i + 1;
        while (p < end && blank(text_[p])) ++p;
        if (p < end && text_[p] != '#')
            throw error_at(p, fmt::format("unexpected text after the closing quote of {} (a comment needs '#')", key));
        add(key, q == '"' ? interpolated(key, v, open + 1) : std::move(v.text), line);
        return next_line(i);
    }

    std::string interpolated(const std::string& key, const Unescaped& v, std::size_t fallback) {
        EnvLookup scoped = [this](std::string_view n) -> std::optional<std::string> {
            if (lookup_)
                if (auto found = lookup_(n)) return found;
            if (auto it = seen_.find(n); it != seen_.end()) return it->second;
            return std::nullopt;
        };
        auto r = try_interpolate(v.text, scoped);
        if (r.ok) return std::move(r.value);
        throw error_at(r.offset < v.at.size() ? v.at[r.offset] : fallback, fmt::format("{}: {}", key, r.message));
    }

    void add(std::string key, std::string value, int line) {
        seen_[key] = value;
        out_.push_back(DotenvEntry{std::move(key), std::move(value), line});
    }
};

}  // namespace

std::vector<DotenvEntry> parse_dotenv(std::string_view text, const std::string& file, const EnvLookup& lookup) {
    if (text.size() > kDotenvMaxFileBytes)
        throw Error(ErrorKind::profile, fmt::format("{} is {} MiB; a .env file may hold at most {} MiB", file,
                                                    text.size() >> 20, kDotenvMaxFileBytes >> 20));
    InterpolationBudget budget;  // a key that repeats the one before it doubles at each line
    return DotenvParser(text, file, lookup).run();
}

}  // namespace devenv
