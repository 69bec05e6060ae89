#include "runtime/app.hpp"

int main(int argc, char** argv) {
  return easymo::run(argc, argv);
}
