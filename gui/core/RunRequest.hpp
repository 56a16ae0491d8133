// RunRequest: what to simulate when the GUI starts a `leptonsim run` process.
#pragma once

#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <optional>

namespace leptonsim::gui {

struct RunRequest {
  /// Scenario file to run. Optional when scenarioText is given; then it is the
  /// file the text was edited from, which relative paths in it (traces) refer to.
  QString scenarioPath;
  /// Scenario YAML to run instead of the file (unsaved edits). The simulator
  /// reads files, so the text is written to a copy first: beside scenarioPath
  /// (removed when the run ends) so relative paths still resolve, or in the
  /// runs directory when there is no scenarioPath or its folder is read-only.
  /// Messages about the copy are reported against scenarioPath.
  QString scenarioText;
  /// `key.path=value` overrides, passed as `--set`.
  QStringList overrides;
  /// Replaces the scenario seed (`--seed`).
  std::optional<quint64> seed;
  /// Where the report goes; empty = `<runsDirectory>/<label>-<id>.db`.
  QString reportPath;
  /// Name shown in the run list; empty = the scenario's `name`, else the file name.
  QString label;
};

}  // namespace leptonsim::gui
