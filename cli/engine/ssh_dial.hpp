#pragma once
// An engine reached over ssh://, the way the Docker CLI does it: one
// `ssh -o ConnectTimeout=10 -o BatchMode=yes -T [-l user] [-p port] -- host docker system dial-stdio`
// per connection (argv, no shell), its stdin and stdout the connection itself. libcurl connects
// to a unix socket of the dialer's own (in a fresh 0700 folder under $TMPDIR); each connection
// it accepts is handed to a new ssh. (Handing libcurl a connected socketpair through
// CURLOPT_OPENSOCKETFUNCTION and CURL_SOCKOPT_ALREADY_CONNECTED fails in Debian 12's libcurl
// 7.88.1: "Failed to connect ... after 0 ms".) ssh's stderr is kept so that a failure says why
// (authentication, host key, no docker on the remote).
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine_host.hpp"

namespace devenv {

class SshDialer {
public:
    explicit SshDialer(const std::string& address);  // "ssh://[user@]host[:port]"
    ~SshDialer();                                     // stops the ssh processes it started
    SshDialer(const SshDialer&) = delete;
    SshDialer& operator=(const SshDialer&) = delete;

    // The unix socket to connect to (libcurl's CURLOPT_UNIX_SOCKET_PATH). Throws Error(engine)
    // when it cannot be made.
    const std::string& socket_path();

    // Why the last connection failed, from what its ssh wrote on stderr (waits up to `wait_ms`
    // for ssh to exit and say so): "ssh: Permission denied (publickey)", or "" when it said
    // nothing. Hints go to `hints`.
    std::string failure(std::vector<std::string>& hints, int wait_ms = 2000);

    // The ssh command a user can run to see the same thing: "ssh -p 2222 user@host docker system dial-stdio".
    std::string command_for_user() const;

private:
    std::vector<std::string> argv() const;
    void reap(bool stop);
    int spawn(int fd, std::string& error);
    void accept_loop();

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
    std::string dir_;         // the listener's folder
    std::string path_;        // its socket
    int listen_fd_ = -1;
    std::thread acceptor_;
};

}  // namespace devenv
