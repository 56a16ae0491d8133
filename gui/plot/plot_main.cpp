// leptonsim-plot: renders a report's standard charts to PNG/PDF without a
// display (`leptonsim plot` runs it). See plot/PlotCommand.hpp.
#include <QApplication>
#include <QTextStream>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "plot/PlotCommand.hpp"

int main(int argc, char** argv) {
  // Headless by default: no window system is needed to draw into images.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  // Batch jobs (Slurm, CI, ssh) often have no XDG_RUNTIME_DIR, and Qt warns
  // about it on every start; give it a private one as a login session would.
  if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
    const std::string runtime_dir = "/tmp/leptonsim-runtime-" + std::to_string(::getuid());
    ::mkdir(runtime_dir.c_str(), 0700);
    struct stat info {};
    if (::stat(runtime_dir.c_str(), &info) == 0 && info.st_uid == ::getuid() && (info.st_mode & 0777) == 0700)
      qputenv("XDG_RUNTIME_DIR", runtime_dir.c_str());
  }
  QApplication app(argc, argv);
  QTextStream out(stdout);
  QTextStream err(stderr);
  const int code = leptonsim::gui::PlotCommand::main(QApplication::arguments().mid(1), out, err);
  out.flush();
  err.flush();
  return code;
}
