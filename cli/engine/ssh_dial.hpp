#pragma once
// An engine reached over ssh://, the way the Docker CLI does it: one
// `ssh -o ConnectTimeout=10 -o BatchMode=yes -T [-l user] [-p port] -- host docker system dial-stdio`
// per connection (argv, no shell), its stdin and stdout one end of a socketpair; the other end
// is the connected socket libcurl speaks HTTP on. ssh's stderr is kept so that a failure says
// why (authentication, host key, no docker on the remote).
#include <mutex>
#include <string>
#include <vector>

#include "engine/engine_host.hpp"

namespace devenv {

class SshDialer {
public:
    explicit SshDialer(const std::string& address);  // "ssh://[user@]host[:port]"
    ~SshDialer();                                     // stops the ssh processes it started
    SshDialer(const SshDialer&) = delete;
    SshDialer& operator=(const SshDialer&) = delete;

    // A new connection: our end of the socketpair (the caller owns and closes it), or -1 with
    // the reason in `error`.
    int dial(std::string& error);

    // Why the last connection failed, from what its ssh wrote on stderr (waits up to `wait_ms`
    // for ssh to exit and say so): "ssh: Permission denied (publickey)", or "" when it said
    // nothing. Hints go to `hints`.
    std::string failure(std::vector<std::string>& hints, int wait_ms = 2000);

    // The ssh command a user can run to see the same thing: "ssh -p 2222 user@host docker system dial-stdio".
    std::string command_for_user() const;

private:
    std::vector<std::string> argv() const;
    void reap(bool stop);
    int spawn(std::string& error);

    SshAddress target_;
    std::mutex mu_;
    struct Child {
        int pid = -1;
        int err_fd = -1;  // read end of its stderr
        bool exited = false;
        int status = 0;
    };
    std::vector<Child> children_;
    std::string dial_error_;  // why the last dial failed before ssh ran ("ssh is not installed ...")
};

}  // namespace devenv
