#include <doctest/doctest.h>

#include <string>

#include "util/digest.hpp"

using namespace devenv;

TEST_SUITE("util.digest") {
    TEST_CASE("SHA-256, HMAC-SHA256 and MD5 against published test vectors") {
        CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        CHECK(sha256("abc").size() == 32);
        // RFC 4231, test case 2.
        CHECK(hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // RFC 1321.
        CHECK(hex(md5("abc")) == "900150983cd24fb0d6963f7d28e17f72");
        CHECK(base64(md5("")) == "1B2M2Y8AsgTpgAmY7PhCfg==");
    }

    TEST_CASE("hex and base64") {
        CHECK(hex(std::string("\x00\x01\xab\xff", 4)) == "0001abff");
        CHECK(hex("") == "");
        CHECK(base64("") == "");
        CHECK(base64("f") == "Zg==");
        CHECK(base64("fo") == "Zm8=");
        CHECK(base64("foo") == "Zm9v");
    }

    TEST_CASE("a streaming digest equals the one-shot digest") {
        std::string text(100000, 'x');
        for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
        StreamingDigest sha(StreamingDigest::Algorithm::sha256), md(StreamingDigest::Algorithm::md5);
        for (std::size_t at = 0; at < text.size(); at += 4099) {
            sha.update(std::string_view(text).substr(at, 4099));
            md.update(std::string_view(text).substr(at, 4099));
        }
        CHECK(sha.finish() == sha256(text));
        CHECK(md.finish() == md5(text));
    }
}
