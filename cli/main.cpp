#include "commands/app.hpp"

int main(int argc, char** argv) { return devenv::run_app(argc, argv); }
