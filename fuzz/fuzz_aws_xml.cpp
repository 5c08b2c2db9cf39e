// The AWS XML reader (query-protocol and S3 answers): xml_values for the tags devenv reads, on
// any bytes. Decoded text is valid UTF-8 whenever the document is.
// fuzz-links: devenv_aws
#include <cstdlib>

#include "aws/xml.hpp"
#include "common.hpp"
#include "util/strings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view xml = devenv::fuzz::as_text(data, size);
    bool valid = !devenv::invalid_utf8_at(xml).has_value();
    for (std::string_view tag : {"Code", "Message", "Name", "Key", "VersionId", "ETag", "Error", "IsTruncated",
                                 "NextContinuationToken", "Status", "Account", "QueueUrl"}) {
        for (const auto& v : devenv::xml_values(xml, tag)) {
            if (v.size() > xml.size()) std::abort();  // decoding never grows the text
            if (valid && devenv::invalid_utf8_at(v)) std::abort();
        }
        (void)devenv::xml_value(xml, tag);
    }
    std::string all = devenv::xml_unescape(xml);
    if (valid && devenv::invalid_utf8_at(all)) std::abort();
    return 0;
}
