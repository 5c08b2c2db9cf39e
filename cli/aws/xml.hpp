#pragma once
// AWS query-protocol and S3 responses are small, flat XML documents; pulling out elements by name
// is all callers need (error codes, bucket names, account ids), so no XML parser dependency.
#include <string>
#include <string_view>
#include <vector>

namespace devenv {

// The content of every <tag>...</tag> (any attributes, any depth), in document order, with
// entities decoded: meant for leaf elements (<Code>, <Name>, <Account>).
std::vector<std::string> xml_values(std::string_view xml, std::string_view tag);
// The first such value; "" when absent.
std::string xml_value(std::string_view xml, std::string_view tag);
// &lt; &gt; &amp; &quot; &apos; and numeric character references.
std::string xml_unescape(std::string_view text);

}  // namespace devenv
