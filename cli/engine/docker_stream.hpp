#pragma once
// Docker's multiplexed stream: what logs and exec answer for a container without a TTY. Each
// frame is an 8-byte header (stream 0 stdin, 1 stdout, 2 stderr; three zero bytes; a
// big-endian 32-bit length) and the payload. With a TTY the bytes come raw, unframed, and
// nothing in the answer says which one it is (API 1.41 sends no Content-Type), so callers
// pass what the container's Config.Tty says.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace devenv {

enum class StdStream : std::uint8_t { in = 0, out = 1, err = 2 };

// Fed the body piece by piece as it arrives; calls on_frame once per complete frame.
class DockerStreamDemuxer {
public:
    using OnFrame = std::function<bool(StdStream, std::string_view)>;  // false: stop

    explicit DockerStreamDemuxer(bool tty) : tty_(tty) {}

    // False once on_frame asked to stop.
    bool feed(std::string_view data, const OnFrame& on_frame);
    // Bytes of an incomplete frame held back (a truncated stream when non-zero at the end).
    std::size_t pending() const { return pending_.size(); }

private:
    bool tty_;
    std::string pending_;
};

struct DemuxedOutput {
    std::string out;
    std::string err;
};

DemuxedOutput demux_docker_stream(std::string_view raw, bool tty);

// Both streams in arrival order. Without knowing the TTY setting: frames when the bytes parse
// as frames, else the text as is.
std::string demux_docker_stream(std::string_view raw);

}  // namespace devenv
