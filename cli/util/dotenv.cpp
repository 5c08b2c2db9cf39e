#include "util/dotenv.hpp"

#include <cctype>
#include <map>

#include <fmt/format.h>

#include "util/interpolate.hpp"
#include "util/error.hpp"

namespace devenv {

std::vector<DotenvEntry> parse_dotenv(std::string_view text, const std::string& file,
                                      const std::function<std::optional<std::string>(std::string_view)>& lookup) {
    std::vector<DotenvEntry> out;
    std::map<std::string, std::string, std::less<>> seen;
    VarLookup scoped = [&](std::string_view n) -> std::optional<std::string> {
        if (auto it = seen.find(n); it != seen.end()) return it->second;
        return lookup ? lookup(n) : std::nullopt;
    };
    std::vector<std::string_view> lines;
    for (std::size_t pos = 0; pos <= text.size();) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view l = text.substr(pos, nl - pos);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        lines.push_back(l);
        pos = nl + 1;
    }
    auto fail = [&](std::size_t line_idx, std::size_t col, std::string msg) {
        return Error(ErrorKind::profile, std::move(msg),
                     SourceLocation{file, static_cast<int>(line_idx + 1), static_cast<int>(col + 1),
                                    std::string(lines[line_idx])});
    };
    auto trim = [](std::string_view s) {
        while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
        while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
        return s;
    };
    for (std::size_t li = 0; li < lines.size(); ++li) {
        std::string_view raw = lines[li];
        std::string_view l = trim(raw);
        if (l.empty() || l.front() == '#') continue;
        if (l.starts_with("export ")) l = trim(l.substr(7));
        std::size_t eq = l.find('=');
        std::string_view key = trim(l.substr(0, eq));
        std::size_t key_col = static_cast<std::size_t>(key.data() - raw.data());
        bool valid = !key.empty() && (std::isalpha(static_cast<unsigned char>(key[0])) || key[0] == '_');
        for (char c : key) valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-');
        if (!valid) throw fail(li, key_col, fmt::format("invalid variable name '{}'", key));
        DotenvEntry e{std::string(key), "", static_cast<int>(li + 1)};
        if (eq == std::string_view::npos) {
            // KEY alone: unset in Compose; devenv keeps it out.
            continue;
        }
        std::string_view v = l.substr(eq + 1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        if (!v.empty() && (v.front() == '\'' || v.front() == '"')) {
            char q = v.front();
            std::string value;
            std::size_t cur_line = li;
            std::string_view rest = v.substr(1);
            bool closed = false;
            while (true) {
                for (std::size_t i = 0; i < rest.size(); ++i) {
                    char c = rest[i];
                    if (c == q) {
                        closed = true;
                        break;
                    }
                    if (q == '"' && c == '\\' && i + 1 < rest.size()) {
                        char n = rest[++i];
                        value += n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n;
                        continue;
                    }
                    value += c;
                }
                if (closed || cur_line + 1 >= lines.size()) break;
                value += '\n';
                rest = lines[++cur_line];
            }
            if (!closed) throw fail(li, static_cast<std::size_t>(v.data() - raw.data()), fmt::format("unterminated quoted value for {}", key));
            li = cur_line;
            if (q == '"') {
                auto r = try_interpolate(value, scoped);
                if (!r.ok) throw fail(li, key_col, fmt::format("{}: {}", key, r.message));
                value = r.value;
            }
            e.value = value;
        } else {
            std::size_t hash = std::string_view::npos;
            for (std::size_t i = 0; i < v.size(); ++i)
                if (v[i] == '#' && i > 0 && (v[i - 1] == ' ' || v[i - 1] == '\t')) {
                    hash = i;
                    break;
                }
            std::string_view val = trim(v.substr(0, hash));
            auto r = try_interpolate(val, scoped);
            if (!r.ok) throw fail(li, key_col, fmt::format("{}: {}", key, r.message));
            e.value = r.value;
        }
        seen[e.key] = e.value;
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace devenv
