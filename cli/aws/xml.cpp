#include "aws/xml.hpp"

#include <charconv>
#include <cstdint>

namespace devenv {

namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

constexpr std::size_t kLongestEntity = 12;  // "&#x0010FFFF;"

bool name_ends(char c) { return c == '>' || c == ' ' || c == '/' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::string xml_unescape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out.push_back(text[i]);
            continue;
        }
        // The longest entity is "&#x10FFFF;": looking further for ';' after every '&' made a
        // text of many '&' quadratic.
        std::size_t semi = text.substr(i, kLongestEntity).find(';');
        if (semi != std::string_view::npos) semi += i;
        if (semi == std::string_view::npos) {
            out.push_back('&');
            continue;
        }
        std::string_view ent = text.substr(i + 1, semi - i - 1);
        std::uint32_t cp = 0;
        bool known = true;
        if (ent == "lt") cp = '<';
        else if (ent == "gt") cp = '>';
        else if (ent == "amp") cp = '&';
        else if (ent == "quot") cp = '"';
        else if (ent == "apos") cp = '\'';
        else if (ent.size() > 1 && ent[0] == '#') {
            bool is_hex = ent[1] == 'x' || ent[1] == 'X';
            std::string_view digits = ent.substr(is_hex ? 2 : 1);
            auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, is_hex ? 16 : 10);
            known = ec == std::errc{} && p == digits.data() + digits.size() && !digits.empty();
            // Only Unicode scalar values become UTF-8; "&#x110000;", a surrogate or "&#0;" stays
            // as written rather than turning into bytes that are not UTF-8.
            known = known && cp != 0 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
        } else {
            known = false;
        }
        if (!known) {
            out.push_back('&');
            continue;
        }
        append_utf8(out, cp);
        i = semi;
    }
    return out;
}

std::vector<std::string> xml_values(std::string_view xml, std::string_view tag) {
    std::vector<std::string> out;
    const std::string open = "<" + std::string(tag);
    const std::string close = "</" + std::string(tag) + ">";
    std::size_t pos = 0;
    while ((pos = xml.find(open, pos)) != std::string_view::npos) {
        std::size_t after = pos + open.size();
        if (after >= xml.size() || !name_ends(xml[after])) {  // <Code> must not match <CodeX>
            pos = after;
            continue;
        }
        std::size_t gt = xml.find('>', after);
        if (gt == std::string_view::npos) break;
        if (xml[gt - 1] == '/') {  // <tag/>
            out.emplace_back();
            pos = gt + 1;
            continue;
        }
        std::size_t end = xml.find(close, gt + 1);
        if (end == std::string_view::npos) break;
        out.push_back(xml_unescape(xml.substr(gt + 1, end - gt - 1)));
        pos = end + close.size();
    }
    return out;
}

std::string xml_value(std::string_view xml, std::string_view tag) {
    auto all = xml_values(xml, tag);
    return all.empty() ? std::string{} : all.front();
}

}  // namespace devenv
