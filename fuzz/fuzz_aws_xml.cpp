// The AWS XML reader (query-protocol and S3 answers, pugixml underneath): XmlDocument and
// xml_values for the tags devenv reads, on any bytes. Malformed input is an Error(seed), never
// a crash; text is never longer than the document, and valid UTF-8 whenever the document is.
// fuzz-links: devenv_aws
#include <cstdlib>

#include "aws/xml.hpp"
#include "common.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace {

void check_text(std::string_view xml, bool valid, const std::string& v) {
    if (v.size() > xml.size()) std::abort();  // decoding never grows the text
    if (valid && devenv::invalid_utf8_at(v)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view xml = devenv::fuzz::as_text(data, size);
    bool valid = !devenv::invalid_utf8_at(xml).has_value();
    auto doc = devenv::XmlDocument::try_parse(xml);
    for (std::string_view tag : {"Code", "Message", "Name", "Key", "VersionId", "ETag", "Error", "IsTruncated",
                                 "NextContinuationToken", "Status", "Account", "QueueUrl", "Contents"}) {
        try {
            for (const auto& v : devenv::xml_values(xml, tag)) check_text(xml, valid, v);
            (void)devenv::xml_value(xml, tag);
            if (!doc) std::abort();  // the document parsed after all
        } catch (const devenv::Error&) {
            if (doc) std::abort();  // try_parse and the constructor disagree
        }
        if (doc) {
            for (const auto& e : doc->root().children(tag)) check_text(xml, valid, e.child_text("Key"));
            check_text(xml, valid, doc->root().child_text(tag));
        }
    }
    std::string all = devenv::xml_unescape(xml);
    if (valid && devenv::invalid_utf8_at(all)) std::abort();
    return 0;
}
