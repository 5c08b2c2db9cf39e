#pragma once
// AWS query-protocol and S3 answers are XML: read with pugixml (a real parser, so <Key> inside
// <Contents> is told apart from a <Key> elsewhere, and a malformed answer is an error rather
// than a guess). Elements are matched by local name: <s3:Key> and <Key> in any namespace are
// both "Key". Text is decoded by xml_unescape (below), CDATA sections are taken as written.
// pugixml stays out of this header: XmlElement is a handle into an XmlDocument and is valid
// while that document lives.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pugi {
struct xml_node_struct;
class xml_document;
}  // namespace pugi

namespace devenv {

class XmlElement {
public:
    XmlElement() = default;
    explicit operator bool() const { return node_ != nullptr; }

    std::string_view name() const;  // the local name: "Key" for <s3:Key>
    // The element's own character data (its text and CDATA children, not its descendants').
    std::string text() const;
    // The first child element named `name`; an empty handle when there is none.
    XmlElement child(std::string_view name) const;
    std::string child_text(std::string_view name) const { return child(name).text(); }
    // The child elements named `name` (every child element when `name` is empty), in order.
    std::vector<XmlElement> children(std::string_view name = {}) const;
    // The elements named `name` below this one at any depth, in document order.
    std::vector<XmlElement> descendants(std::string_view name) const;

private:
    friend class XmlDocument;
    explicit XmlElement(pugi::xml_node_struct* node) : node_(node) {}
    pugi::xml_node_struct* node_ = nullptr;
};

class XmlDocument {
public:
    // Throws Error(seed) "malformed XML (byte 42): end tag does not match start tag" when `xml`
    // is not well-formed or has no element.
    explicit XmlDocument(std::string_view xml);
    // nullopt where the constructor would throw.
    static std::optional<XmlDocument> try_parse(std::string_view xml);
    ~XmlDocument();
    XmlDocument(XmlDocument&&) noexcept;
    XmlDocument& operator=(XmlDocument&&) noexcept;

    XmlElement root() const;
    // Every element named `name`, the root included, in document order.
    std::vector<XmlElement> elements(std::string_view name) const;

private:
    XmlDocument() = default;
    std::unique_ptr<pugi::xml_document> doc_;
};

// The text of every element named `tag` in the document, in document order; throws like
// XmlDocument when `xml` is malformed. For leaf elements (<Code>, <Name>, <Account>).
std::vector<std::string> xml_values(std::string_view xml, std::string_view tag);
// The first such value; "" when there is none.
std::string xml_value(std::string_view xml, std::string_view tag);
// &lt; &gt; &amp; &quot; &apos; and numeric character references of Unicode scalar values;
// anything else (an unknown entity, "&#0;", a surrogate, a lone '&') stays as written.
std::string xml_unescape(std::string_view text);

}  // namespace devenv
