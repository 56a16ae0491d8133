// ScenarioForm: the main knobs of a scenario as widgets, next to its text.
//
// Built from the current YAML text (not from a validated ScenarioSpec, so it
// keeps working while the text has errors the validator reports): the
// scenario's duration and seed, per site the node shape, racks, nodes per rack,
// the resulting node and GPU counts and the price per node-hour, per service
// the replicas, GPUs per replica, concurrency, arrivals, SLO, load balancer and
// autoscaler with the policy's parameters from the registry. The rows come from
// scenarioKnobTable() (ScenarioKnob.hpp), filtered by the scenario schema.
//
// A knob change edits the text with ScenarioTextEdit (comments and layout
// survive) and emits yamlEdited(); the editor applies it to its text. Text
// edits reach the form through setYaml(), which updates the widgets after a
// short pause without emitting anything (no feedback loop). When the text is
// not valid YAML the form is disabled and says why.
#pragma once

#include "catalog/HardwareCatalog.hpp"
#include "editor/ScenarioKnob.hpp"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

class QFormLayout;
class QLabel;
class QScrollArea;

namespace leptonsim {
struct PolicyInfo;
}

namespace leptonsim::gui {

class ScenarioForm : public QWidget {
  Q_OBJECT

 public:
  explicit ScenarioForm(QWidget* parent = nullptr);

  /// Takes the current text; the widgets follow after a short pause (or at refreshNow()).
  void setYaml(const QString& yaml);
  QString yaml() const { return yaml_; }
  /// Updates (or, when sites, services or policies changed, rebuilds) the widgets from the text now.
  void refreshNow();

  /// The widget that edits `keyPath`, e.g. "services[0].replicas", "services[0].autoscaler.target";
  /// the derived rows of site i are "platform.sites[i]:capacity" (QLabel) and "platform.sites[i]:price"
  /// (the price spin box). nullptr when not shown.
  QWidget* knobWidget(const QString& keyPath) const;
  /// The key paths of every widget shown, in display order.
  QStringList knobKeyPaths() const;
  /// GPUs of site `index` by the current text: racks × nodes per rack × GPUs per node (0 when unknown).
  int siteGpuCount(int index) const;
  /// Why the form is disabled or the last edit failed; empty when all is well.
  QString problemText() const;

 Q_SIGNALS:
  /// A knob changed the text; `yaml` is the whole new text.
  void yamlEdited(const QString& yaml);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  struct Binding {
    QString keyPath;
    QWidget* widget = nullptr;
    std::function<void()> refresh;  // updates the widget from root_ with its signals blocked
  };

  void rebuild();
  QString structureKey() const;
  void rebuildCatalog();
  void addScopeKnobs(QFormLayout* form, ScenarioKnob::Scope scope, const QString& scopePath);
  void addKnob(QFormLayout* form, const ScenarioKnob& knob, const QString& scopePath);
  void addAutomaticKnob(QFormLayout* form, const ScenarioKnob& knob, const QString& keyPath);
  void addNodeShapeKnob(QFormLayout* form, const ScenarioKnob& knob, const QString& keyPath);
  void addCapacityRow(QFormLayout* form, const ScenarioKnob& knob, const QString& sitePath);
  void addPriceKnob(QFormLayout* form, const ScenarioKnob& knob, const QString& sitePath);
  void addPolicyKnob(QFormLayout* form, const ScenarioKnob& knob, const QString& servicePath, bool isAutoscaler);
  void addBinding(const QString& keyPath, QWidget* widget, std::function<void()> refresh);
  void guardWheel(QWidget* widget);

  // Reading the current document (root_).
  std::optional<std::string> value(const QString& keyPath) const;
  QString valueOr(const QString& keyPath, const QString& fallback) const;
  int itemCount(const char* listKey) const;  // "platform.sites" or "services"
  bool isHidden(const ScenarioKnob& knob, const QString& scopePath) const;
  QString sitePath(int index) const;
  QString effectivePolicy(const QString& servicePath, bool isAutoscaler) const;
  std::optional<int> nodeShapeOverrideIndex(const QString& shapeName) const;

  // Edits: each applies one function to the text and emits yamlEdited.
  void applyEdit(const std::function<std::string(const std::string&)>& edit);
  void setValue(const QString& keyPath, const QString& text);
  void changePolicy(const QString& servicePath, bool isAutoscaler, const QString& policy);
  void setNodePrice(const QString& shapeName, double dollarsPerHour);
  void showProblem(const QString& message);

  QString yaml_;
  YAML::Node root_;
  bool isParsed_ = false;
  HardwareCatalog catalog_;
  QString structureKey_;
  int structureGeneration_ = 0;  // widgets of older builds ignore their signals

  QScrollArea* scroll_ = nullptr;
  QLabel* problemLabel_ = nullptr;
  QWidget* content_ = nullptr;
  std::vector<Binding> bindings_;
  QTimer refreshTimer_;
};

}  // namespace leptonsim::gui
