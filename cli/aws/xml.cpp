#include "aws/xml.hpp"

#include <charconv>
#include <cstdint>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "util/error.hpp"
#include "util/strings.hpp"

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

namespace {

std::string_view local_name(const pugi::xml_node& n) {
    std::string_view name = n.name();
    if (auto colon = name.rfind(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
    return name;
}

// The next element after `n` in document order, descending into n's children first; stays
// inside `top`. Iterative, so a deeply nested document cannot exhaust the stack.
pugi::xml_node next_element(pugi::xml_node n, const pugi::xml_node& top) {
    pugi::xml_node down = n.first_child();
    while (down && down.type() != pugi::node_element) down = down.next_sibling();
    if (down) return down;
    while (n && n != top) {
        for (pugi::xml_node s = n.next_sibling(); s; s = s.next_sibling())
            if (s.type() == pugi::node_element) return s;
        n = n.parent();
    }
    return {};
}

std::string parse_into(pugi::xml_document& doc, std::string_view xml) {
    // Entities are left to xml_unescape (its rules are the hardened ones: fuzz/, tests/unit/
    // hardening); UTF-8 as sent, no conversion; whitespace-only text kept (an S3 key " ").
    unsigned int options = (pugi::parse_default & ~pugi::parse_escapes) | pugi::parse_ws_pcdata;
    pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), options, pugi::encoding_utf8);
    if (r.status == pugi::status_ok && !doc.document_element()) return "no element";
    if (r.status == pugi::status_ok) return {};
    std::string why = r.description();
    if (!why.empty()) why[0] = to_lower(why[0]);
    return fmt::format("{} (byte {})", why, r.offset);
}

}  // namespace

std::string_view XmlElement::name() const { return node_ ? local_name(pugi::xml_node(node_)) : std::string_view{}; }

std::string XmlElement::text() const {
    std::string out;
    for (pugi::xml_node c = pugi::xml_node(node_).first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_pcdata) out += xml_unescape(c.value());
        else if (c.type() == pugi::node_cdata) out += c.value();
    }
    return out;
}

XmlElement XmlElement::child(std::string_view name) const {
    for (pugi::xml_node c = pugi::xml_node(node_).first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element && local_name(c) == name) return XmlElement(c.internal_object());
    return {};
}

std::vector<XmlElement> XmlElement::children(std::string_view name) const {
    std::vector<XmlElement> out;
    for (pugi::xml_node c = pugi::xml_node(node_).first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element && (name.empty() || local_name(c) == name))
            out.push_back(XmlElement(c.internal_object()));
    return out;
}

std::vector<XmlElement> XmlElement::descendants(std::string_view name) const {
    std::vector<XmlElement> out;
    if (!node_) return out;
    pugi::xml_node top(node_);
    for (pugi::xml_node n = next_element(top, top); n; n = next_element(n, top))
        if (local_name(n) == name) out.push_back(XmlElement(n.internal_object()));
    return out;
}

XmlDocument::XmlDocument(std::string_view xml) : doc_(std::make_unique<pugi::xml_document>()) {
    if (std::string why = parse_into(*doc_, xml); !why.empty())
        throw Error(ErrorKind::seed, "malformed XML: " + why);
}

std::optional<XmlDocument> XmlDocument::try_parse(std::string_view xml) {
    XmlDocument d;
    d.doc_ = std::make_unique<pugi::xml_document>();
    if (!parse_into(*d.doc_, xml).empty()) return std::nullopt;
    return d;
}

XmlDocument::~XmlDocument() = default;
XmlDocument::XmlDocument(XmlDocument&&) noexcept = default;
XmlDocument& XmlDocument::operator=(XmlDocument&&) noexcept = default;

XmlElement XmlDocument::root() const { return XmlElement(doc_->document_element().internal_object()); }

std::vector<XmlElement> XmlDocument::elements(std::string_view name) const {
    XmlElement top = root();
    std::vector<XmlElement> out;
    if (top.name() == name) out.push_back(top);
    for (const XmlElement& e : top.descendants(name)) out.push_back(e);
    return out;
}

std::vector<std::string> xml_values(std::string_view xml, std::string_view tag) {
    XmlDocument doc(xml);
    std::vector<std::string> out;
    for (const XmlElement& e : doc.elements(tag)) out.push_back(e.text());
    return out;
}

std::string xml_value(std::string_view xml, std::string_view tag) {
    auto all = xml_values(xml, tag);
    return all.empty() ? std::string{} : all.front();
}

}  // namespace devenv
