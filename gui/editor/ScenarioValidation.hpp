// ScenarioValidation: the outcome of checking one scenario text, as the editor
// shows it. check() is plain work with no Qt objects, safe to run on the thread
// pool: it loads the text with load_scenario_text (schema and cross-field
// rules) and checks every service's policies and their parameters against the
// policy registry, which the loader leaves to the start of a run.
#pragma once

#include <QList>
#include <QString>
#include <string>

namespace leptonsim::gui {

struct ScenarioValidation {
  struct Issue {
    int line = 0;      // 1-based; 0 = no position
    int column = 0;    // 1-based byte column in the line (as yaml-cpp counts); 0 = no position
    QString keyPath;   // "services[0].replicas"; empty for syntax errors
    QString message;
    /// "line:col key.path: message" (parts without a value left out).
    QString text() const;
  };

  quint64 generation = 0;  // set by the caller, to drop stale results
  QList<Issue> issues;     // empty when the scenario is valid
  int siteCount = 0;       // valid scenarios only
  int gpuCount = 0;
  int serviceCount = 0;

  bool isValid() const { return issues.isEmpty(); }
  /// "valid: 1 site, 64 GPUs, 1 service", or "3 problems".
  QString summary() const;

  /// Checks `yaml`; `fileName` is used for messages and to resolve relative
  /// trace paths (give the file's real path). Never throws.
  static ScenarioValidation check(const std::string& yaml, const std::string& fileName);
};

}  // namespace leptonsim::gui
