// The Docker log/exec stream demultiplexer: the first byte picks the TTY setting and how the
// rest is cut into pieces (as the socket delivers it); fed piece by piece it gives the same
// output as fed whole, and demux_docker_stream(raw) never loses or invents bytes of text.
// fuzz-links: devenv_engine
#include <cstdlib>

#include "common.hpp"
#include "engine/docker_stream.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    bool tty = (data[0] & 0x80) != 0;
    std::size_t piece = (data[0] & 0x7F) + 1u;
    std::string_view raw = devenv::fuzz::as_text(data + 1, size - 1);

    devenv::DemuxedOutput whole = devenv::demux_docker_stream(raw, tty);

    devenv::DemuxedOutput pieces;
    devenv::DockerStreamDemuxer demuxer(tty);
    for (std::size_t at = 0; at < raw.size(); at += piece) {
        demuxer.feed(raw.substr(at, piece), [&](devenv::StdStream s, std::string_view text) {
            (s == devenv::StdStream::err ? pieces.err : pieces.out).append(text);
            return true;
        });
    }
    if (pieces.out != whole.out || pieces.err != whole.err) std::abort();
    if (whole.out.size() + whole.err.size() + demuxer.pending() > raw.size()) std::abort();
    if (tty && whole.out != raw) std::abort();

    std::string guessed = devenv::demux_docker_stream(raw);
    if (guessed.size() > raw.size()) std::abort();

    // Stopping early stops: after on_frame says false, no further frame arrives.
    devenv::DockerStreamDemuxer stopper(tty);
    int frames = 0;
    stopper.feed(raw, [&](devenv::StdStream, std::string_view) { return ++frames < 2; });
    if (frames > 2) std::abort();
    return 0;
}
