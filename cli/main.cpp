#include "commands/app.hpp"
#include "util/interrupt.hpp"

int main(int argc, char** argv) {
    devenv::install_interrupt_handler();
    return devenv::run_app(argc, argv);
}
