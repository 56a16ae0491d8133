// leptonsim-plot: renders a report's standard charts to PNG/PDF without a
// display (`leptonsim plot` runs it). See plot/PlotCommand.hpp.
#include <QApplication>
#include <QTextStream>

#include <cstdio>

#include "plot/PlotCommand.hpp"

int main(int argc, char** argv) {
  // Headless by default: no window system is needed to draw into images.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QTextStream out(stdout);
  QTextStream err(stderr);
  const int code = leptonsim::gui::PlotCommand::main(QApplication::arguments().mid(1), out, err);
  out.flush();
  err.flush();
  return code;
}
