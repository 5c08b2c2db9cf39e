// How pulls look: live lines on a terminal, plain lines every 5 s, JSON events every second.
#include <doctest/doctest.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "ui/lifecycle_view.hpp"
#include "ui/pull_view.hpp"

using namespace devenv;
using namespace std::chrono_literals;

namespace {

UiOptions no_color(UiOptions o) {
    o.color = false;
    return o;
}

struct Captured {
    std::string out, err;
    Ui ui;
    explicit Captured(UiOptions o) : ui(no_color(o), UiSink{[this](std::string_view s) { out += s; }, [this](std::string_view s) { err += s; }}) {}
};

PullEvent event(PullEvent::Kind kind, std::chrono::milliseconds at, std::int64_t done = 0) {
    PullEvent e;
    e.kind = kind;
    e.image = "127.0.0.1:5000/devenv/postgres:17";
    e.services = {"postgres"};
    e.elapsed = at;
    e.progress = {done, 200'000'000, 1, 2, false};
    return e;
}

const std::vector<ImageNeed> kImages{{"127.0.0.1:5000/devenv/postgres:17", {"postgres"}}, {"redis:8", {"cache"}}};

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_SUITE("ui.pulls") {

TEST_CASE("bytes, layers and speed in one line") {
    CHECK(format_bytes(999) == "999 B");
    CHECK(format_bytes(1500) == "2 kB");
    CHECK(format_bytes(45'200'000) == "45.2 MB");
    CHECK(format_bytes(3'210'000'000) == "3.21 GB");
    PullEvent e = event(PullEvent::Kind::progress, 2000ms, 50'000'000);
    CHECK(format_pull_progress(e) == "50.0 MB / 200.0 MB  layers 1/2  25.0 MB/s");
    e.progress.extracting = true;
    CHECK(format_pull_progress(e).ends_with("extracting"));
    e.progress = {};
    CHECK(format_pull_progress(e) == "resolving");
}

TEST_CASE("CI: a line when a pull starts and ends, and progress at most every 5 s") {
    UiOptions o;
    Captured c(o);
    PullDisplay d(c.ui, "up", kImages);
    d.on_event(event(PullEvent::Kind::started, 0ms));
    for (int ms = 100; ms <= 12000; ms += 100) d.on_event(event(PullEvent::Kind::progress, std::chrono::milliseconds(ms), ms * 10000));
    PullEvent done = event(PullEvent::Kind::done, 12500ms, 200'000'000);
    done.progress.layers_done = 2;
    d.on_event(done);
    d.finish();
    CHECK(c.out.empty());
    CHECK(c.err.find("\x1b[") == std::string::npos);
    CHECK(count(c.err, "\n") == 4);  // started, at 5 s, at 10 s, done
    CHECK(c.err.find(" pull 127.0.0.1:5000/devenv/postgres:17 started (service postgres)\n") != std::string::npos);
    CHECK(c.err.find(" pull 127.0.0.1:5000/devenv/postgres:17 50.0 MB / 200.0 MB  layers 1/2  10.0 MB/s\n") != std::string::npos);
    CHECK(c.err.find("pulled 200.0 MB in 12.5 s (16.0 MB/s)") != std::string::npos);

    PullEvent f = event(PullEvent::Kind::failed, 1000ms);
    f.reason = PullFailure::not_found;
    f.detail = "manifest unknown";
    d.on_event(f);
    CHECK(c.err.find("failed (not_found): manifest unknown") != std::string::npos);
}

TEST_CASE("a terminal: one line per image, redrawn in place") {
    UiOptions o;
    o.tty = true;
    Captured c(o);
    PullDisplay d(c.ui, "up", kImages);
    d.on_event(event(PullEvent::Kind::started, 0ms));
    d.on_event(event(PullEvent::Kind::progress, 900ms, 10'000'000));  // within 100 ms of the last redraw: skipped
    std::this_thread::sleep_for(120ms);
    d.on_event(event(PullEvent::Kind::progress, 1000ms, 20'000'000));
    d.on_event(event(PullEvent::Kind::done, 3000ms, 200'000'000));
    CHECK(c.err.find("10.0 MB / 200.0 MB") == std::string::npos);
    d.finish();
    CHECK(count(c.err, "\x1b[2A") >= 2);  // moved up over both lines to redraw
    CHECK(c.err.find("127.0.0.1:5000/devenv/postgres:17  20.0 MB / 200.0 MB  layers 1/2  20.0 MB/s") != std::string::npos);
    CHECK(c.err.find("redis:8                            waiting") != std::string::npos);
    CHECK(c.err.find("pulled 200.0 MB in 3.0 s") != std::string::npos);
}

TEST_CASE("--json: documented events, progress at most once a second; --quiet: nothing") {
    UiOptions o;
    o.json = true;
    Captured c(o);
    PullDisplay d(c.ui, "pull", kImages);
    d.on_event(event(PullEvent::Kind::started, 0ms));
    for (int ms = 100; ms <= 2500; ms += 100) d.on_event(event(PullEvent::Kind::progress, std::chrono::milliseconds(ms), ms));
    PullEvent f = event(PullEvent::Kind::failed, 2600ms);
    f.reason = PullFailure::rate_limited;
    f.detail = "toomanyrequests";
    d.on_event(f);
    std::vector<nlohmann::json> lines;
    std::size_t from = 0;
    for (auto nl = c.out.find('\n'); nl != std::string::npos; from = nl + 1, nl = c.out.find('\n', from))
        lines.push_back(nlohmann::json::parse(c.out.substr(from, nl - from)));
    REQUIRE(lines.size() == 4);  // started, 1.0 s, 2.0 s, failed
    CHECK(lines[0]["event"] == "pull_started");
    CHECK(lines[0]["command"] == "pull");
    CHECK(lines[0]["services"] == nlohmann::json::array({"postgres"}));
    CHECK_FALSE(lines[0].contains("bytes_done"));
    CHECK(lines[1]["event"] == "pull_progress");
    CHECK(lines[1]["bytes_total"] == 200'000'000);
    CHECK(lines[1]["layers_total"] == 2);
    CHECK(lines[3]["event"] == "pull_failed");
    CHECK(lines[3]["reason"] == "rate_limited");
    CHECK(lines[3]["detail"] == "toomanyrequests");
    CHECK(c.err.empty());

    UiOptions q;
    q.quiet = true;
    Captured quiet(q);
    PullDisplay dq(quiet.ui, "up", kImages);
    dq.on_event(event(PullEvent::Kind::started, 0ms));
    dq.on_event(event(PullEvent::Kind::done, 1000ms));
    dq.finish();
    CHECK(quiet.out.empty());
    CHECK(quiet.err.empty());
}

TEST_CASE("`devenv pull`'s summary") {
    UiOptions o;
    Captured c(o);
    PullResult r;
    PullOutcome a;
    a.image = "postgres:17";
    a.ok = true;
    a.progress.bytes_total = 150'000'000;
    PullOutcome b;
    b.image = "redis:8";
    b.ok = true;
    b.up_to_date = true;
    r.pulled = {a, b};
    r.plan.present = {{"minio:1", {"minio"}}};
    r.plan.built = {"api"};
    r.took = 12'300'000us;
    std::string s = format_pull_summary(c.ui, r);
    CHECK(s.find("pulled 2 images (1 new, 150.0 MB downloaded) in") != std::string::npos);
    CHECK(s.find("already present: minio:1") != std::string::npos);
    CHECK(s.find("built by Compose (`devenv up --build`): api") != std::string::npos);
    auto j = nlohmann::json::parse(pull_summary_json(r));
    CHECK(j["event"] == "pulled");
    CHECK(j["pulled"].size() == 2);
    CHECK(j["present"] == nlohmann::json::array({"minio:1"}));
}

}  // TEST_SUITE
