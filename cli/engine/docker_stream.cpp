#include "engine/docker_stream.hpp"

namespace devenv {

namespace {

constexpr std::size_t kHeader = 8;

std::size_t frame_length(std::string_view header) {
    std::size_t len = 0;
    for (std::size_t i = 4; i < kHeader; ++i) len = (len << 8) | static_cast<unsigned char>(header[i]);
    return len;
}

bool looks_like_header(std::string_view h) {
    return static_cast<unsigned char>(h[0]) <= 2 && h[1] == 0 && h[2] == 0 && h[3] == 0;
}

}  // namespace

bool DockerStreamDemuxer::feed(std::string_view data, const OnFrame& on_frame) {
    if (tty_) return data.empty() || on_frame(StdStream::out, data);
    pending_.append(data);
    std::size_t at = 0;
    bool go_on = true;
    while (go_on && pending_.size() - at >= kHeader) {
        std::string_view rest(pending_.data() + at, pending_.size() - at);
        std::size_t len = frame_length(rest);
        if (rest.size() < kHeader + len) break;
        auto stream = static_cast<StdStream>(static_cast<unsigned char>(rest[0]) & 3);
        if (len > 0) go_on = on_frame(stream, rest.substr(kHeader, len));
        at += kHeader + len;
    }
    pending_.erase(0, at);
    return go_on;
}

DemuxedOutput demux_docker_stream(std::string_view raw, bool tty) {
    DemuxedOutput result;
    DockerStreamDemuxer demuxer(tty);
    demuxer.feed(raw, [&](StdStream s, std::string_view text) {
        (s == StdStream::err ? result.err : result.out).append(text);
        return true;
    });
    return result;
}

std::string demux_docker_stream(std::string_view raw) {
    // Validate every header first: TTY text that merely starts like a frame stays text.
    std::size_t at = 0;
    while (raw.size() - at >= kHeader && looks_like_header(raw.substr(at))) {
        std::size_t len = frame_length(raw.substr(at));
        if (len > raw.size() - at - kHeader) break;  // claims more than there is: not frames
        at += kHeader + len;
    }
    if (at != raw.size()) return std::string(raw);
    std::string out;
    DockerStreamDemuxer(false).feed(raw, [&](StdStream, std::string_view text) {
        out.append(text);
        return true;
    });
    return out;
}

}  // namespace devenv
