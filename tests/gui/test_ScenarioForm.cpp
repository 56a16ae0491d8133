// ScenarioForm: the knobs show the values of the text, a knob change edits the
// text in place (comments kept, the loader reads the new value), and text
// changes update the knobs without editing anything back.
#include "RegisterAllPolicies.hpp"
#include "ScenarioLoader.hpp"
#include "editor/ScenarioForm.hpp"
#include "editor/ScenarioKnob.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>

using namespace leptonsim;
using namespace leptonsim::gui;

namespace {

QString scenarioText(const QString& name) {
  QFile file(QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/") + name);
  if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(file.fileName()));
  return QString::fromUtf8(file.readAll());
}

QString scenarioPath(const QString& name) { return QStringLiteral(LEPTONSIM_SOURCE_DIR "/scenarios/") + name; }

QStringList commentLines(const QString& text) {
  QStringList comments;
  for (const QString& line : text.split('\n'))
    if (line.trimmed().startsWith('#')) comments << line;
  return comments;
}

ScenarioSpec load(const QString& text, const QString& name) {
  return load_scenario_text(text.toStdString(), scenarioPath(name).toStdString());
}

// Selects `data` in a combo box the way a user does (activated is the user signal).
void activate(QComboBox* combo, const QString& data) {
  const int index = combo->findData(data);
  QVERIFY2(index >= 0, qPrintable("no item " + data));
  combo->setCurrentIndex(index);
  Q_EMIT combo->activated(index);
}

}  // namespace

class TestScenarioForm : public QObject {
  Q_OBJECT

 private:
  template <class Widget>
  Widget* knob(ScenarioForm& form, const QString& keyPath) {
    auto* widget = qobject_cast<Widget*>(form.knobWidget(keyPath));
    if (widget == nullptr) qWarning("no knob %s among %s", qPrintable(keyPath), qPrintable(form.knobKeyPaths().join(", ")));
    return widget;
  }

 private Q_SLOTS:
  void showsTheQuickstartKnobs() {
    ScenarioForm form;
    form.setYaml(scenarioText("quickstart.yaml"));
    form.refreshNow();
    auto* replicas = knob<QSpinBox>(form, "services[0].replicas");
    QVERIFY(replicas);
    QCOMPARE(replicas->value(), 8);
    QCOMPARE(knob<QSpinBox>(form, "services[0].gpus_per_replica")->value(), 2);
    QCOMPARE(knob<QSpinBox>(form, "services[0].max_concurrency")->value(), 8);
    QCOMPARE(knob<QSpinBox>(form, "platform.sites[0].racks")->value(), 2);
    QCOMPARE(knob<QSpinBox>(form, "platform.sites[0].nodes_per_rack")->value(), 4);
    QCOMPARE(knob<QLineEdit>(form, "services[0].arrivals.rate")->text(), QString("60/s"));
    QCOMPARE(knob<QLineEdit>(form, "services[0].slo.latency_p99")->text(), QString("3s"));
    QCOMPARE(knob<QLineEdit>(form, "duration")->text(), QString("1h"));
    QCOMPARE(knob<QComboBox>(form, "services[0].load_balancer.policy")->currentData().toString(),
             QString("least_outstanding"));
    // No autoscaler section: "none", and no parameter rows.
    QCOMPARE(knob<QComboBox>(form, "services[0].autoscaler.policy")->currentData().toString(), QString());
    QVERIFY(!form.knobWidget("services[0].autoscaler.target"));

    auto* shape = knob<QComboBox>(form, "platform.sites[0].node");
    QCOMPARE(shape->currentData().toString(), QString("h100x8"));
    QCOMPARE(shape->currentText(), QString("h100x8 — 8 × H100-SXM"));
    // Every catalogue node shape is offered with its GPUs.
    for (const std::string& name : HardwareCatalog::builtin().node_shape_names())
      QVERIFY(shape->findData(QString::fromStdString(name)) >= 0);

    QCOMPARE(form.siteGpuCount(0), 64);
    auto* capacity = knob<QLabel>(form, "platform.sites[0]:capacity");
    QVERIFY(capacity->text().contains("64 GPUs"));
    QVERIFY(capacity->text().contains("8 nodes"));

    auto* price = knob<QDoubleSpinBox>(form, "platform.sites[0]:price");
    QCOMPARE(price->value(), HardwareCatalog::builtin().find_node_shape("h100x8")->price_per_hour);
    QVERIFY(price->toolTip().contains("catalogue"));
    QVERIFY(form.problemText().isEmpty());
  }

  void gpuCountIsRacksTimesNodesTimesGpusPerNode() {
    ScenarioForm form;
    form.setYaml(scenarioText("two-sites-flops.yaml"));
    form.refreshNow();
    const int l40s = HardwareCatalog::builtin().find_node_shape("l40sx8")->gpus;
    QCOMPARE(form.siteGpuCount(0), 2 * 2 * 8);
    QCOMPARE(form.siteGpuCount(1), 1 * 2 * l40s);

    QSignalSpy edited(&form, &ScenarioForm::yamlEdited);
    knob<QSpinBox>(form, "platform.sites[0].racks")->setValue(5);
    QCOMPARE(edited.count(), 1);
    QCOMPARE(form.siteGpuCount(0), 5 * 2 * 8);
    QVERIFY(knob<QLabel>(form, "platform.sites[0]:capacity")->text().contains("80 GPUs"));
    knob<QSpinBox>(form, "platform.sites[1].nodes_per_rack")->setValue(3);
    QCOMPARE(form.siteGpuCount(1), 1 * 3 * l40s);
    const ScenarioSpec spec = load(form.yaml(), "two-sites-flops.yaml");
    QCOMPARE(spec.platform.sites[0].racks, 5);
    QCOMPARE(spec.platform.sites[1].nodes_per_rack, 3);

    // A node shape with another GPU count changes the count.
    activate(knob<QComboBox>(form, "platform.sites[0].node"), "a100x8");
    QVERIFY(form.yaml().contains("      node: a100x8\n"));
    QCOMPARE(form.siteGpuCount(0), 5 * 2 * HardwareCatalog::builtin().find_node_shape("a100x8")->gpus);
  }

  void changingAKnobEditsTheTextInPlace() {
    const QString original = scenarioText("quickstart.yaml");
    ScenarioForm form;
    form.setYaml(original);
    form.refreshNow();
    QSignalSpy edited(&form, &ScenarioForm::yamlEdited);
    knob<QSpinBox>(form, "services[0].replicas")->setValue(12);
    QCOMPARE(edited.count(), 1);
    const QString text = edited.takeFirst().at(0).toString();
    QCOMPARE(text, form.yaml());
    QString expected = original;
    expected.replace("    replicas: 8\n", "    replicas: 12\n");
    QCOMPARE(text, expected);
    QCOMPARE(commentLines(text), commentLines(original));
    QCOMPARE(load(text, "quickstart.yaml").services[0].replicas, 12);

    // A quantity in a flow map.
    auto* rate = knob<QLineEdit>(form, "services[0].arrivals.rate");
    rate->setText("75/s");
    Q_EMIT rate->editingFinished();
    QVERIFY(form.yaml().contains("arrivals: {process: poisson, rate: 75/s}"));
    QCOMPARE(load(form.yaml(), "quickstart.yaml").services[0].arrivals.rate, 75.0);
    // An invalid unit is written (the validator reports it) and marked.
    rate->setText("75 per second");
    Q_EMIT rate->textEdited(rate->text());
    QVERIFY(!rate->styleSheet().isEmpty());
  }

  void showsTheAutoscalerParametersOfTheRegistry() {
    ScenarioForm form;
    form.setYaml(scenarioText("diurnal-chat-hpa.yaml"));
    form.refreshNow();
    auto* policy = knob<QComboBox>(form, "services[0].autoscaler.policy");
    QCOMPARE(policy->currentData().toString(), QString("hpa"));
    // Every registered policy is offered, and "none".
    for (const PolicyInfo& info : policy_registries().autoscalers.infos())
      QVERIFY(policy->findData(QString::fromStdString(info.name)) >= 0);
    QVERIFY(policy->findData(QString()) >= 0);

    const PolicyInfo& hpa = policy_registries().autoscalers.info("hpa");
    for (const PolicyParameter& parameter : hpa.parameters) {
      auto* spin = knob<QDoubleSpinBox>(form, "services[0].autoscaler." + QString::fromStdString(parameter.name));
      QVERIFY(spin);
      QCOMPARE(spin->minimum(), parameter.min_value);
      QCOMPARE(spin->maximum(), parameter.max_value);
      QVERIFY(spin->toolTip().contains(QString::fromStdString(parameter.description)));
    }
    // Values from the file; the others at their defaults.
    QCOMPARE(knob<QDoubleSpinBox>(form, "services[0].autoscaler.target")->value(), 0.7);
    QCOMPARE(knob<QDoubleSpinBox>(form, "services[0].autoscaler.min_replicas")->value(), 2.0);
    QCOMPARE(knob<QDoubleSpinBox>(form, "services[0].autoscaler.max_replicas")->value(), 40.0);
    QCOMPARE(knob<QDoubleSpinBox>(form, "services[0].autoscaler.metric")->value(), 0.0);
    for (const PolicyParameter& parameter : hpa.parameters)
      if (parameter.name == "tolerance")
        QCOMPARE(knob<QDoubleSpinBox>(form, "services[0].autoscaler.tolerance")->value(), parameter.default_value);
    QCOMPARE(knob<QDoubleSpinBox>(form, "services[0].autoscaler.target")->text(), QString("0.7"));

    // The target utilisation changes inside the flow map.
    knob<QDoubleSpinBox>(form, "services[0].autoscaler.target")->setValue(0.8);
    QVERIFY(form.yaml().contains(
        "autoscaler: {policy: hpa, metric: 0, target: 0.8, min_replicas: 2, max_replicas: 40}"));
    // A parameter at its default is added when changed.
    knob<QDoubleSpinBox>(form, "services[0].autoscaler.tolerance")->setValue(0.2);
    QCOMPARE(load(form.yaml(), "diurnal-chat-hpa.yaml").services[0].autoscaler.params.at("tolerance"), 0.2);
  }

  void changingThePolicyDropsParametersItDoesNotHave() {
    ScenarioForm form;
    form.setYaml(scenarioText("diurnal-chat-hpa.yaml"));
    form.refreshNow();
    const PolicyInfo& lepton = policy_registries().autoscalers.info("lepton");
    activate(knob<QComboBox>(form, "services[0].autoscaler.policy"), "lepton");
    const ScenarioSpec spec = load(form.yaml(), "diurnal-chat-hpa.yaml");
    QCOMPARE(spec.services[0].autoscaler.policy, std::string("lepton"));
    for (const auto& [name, value] : spec.services[0].autoscaler.params) {
      bool isKnown = false;
      for (const PolicyParameter& parameter : lepton.parameters) isKnown = isKnown || parameter.name == name;
      QVERIFY2(isKnown, name.c_str());
    }
    QCOMPARE(spec.services[0].autoscaler.params.at("min_replicas"), 2.0);  // shared parameters stay
    try {
      policy_registries().autoscalers.check("lepton", spec.services[0].autoscaler.params);
    } catch (const std::exception& error) {
      QFAIL(error.what());
    }
    QTest::qWait(0);  // the old widgets are deleted later
    for (const PolicyParameter& parameter : lepton.parameters)
      QVERIFY(form.knobWidget("services[0].autoscaler." + QString::fromStdString(parameter.name)));
    const bool leptonHasTolerance = std::any_of(lepton.parameters.begin(), lepton.parameters.end(),
                                                [](const PolicyParameter& p) { return p.name == "tolerance"; });
    QCOMPARE(form.knobWidget("services[0].autoscaler.tolerance") != nullptr, leptonHasTolerance);

    // "none" removes the section; a policy adds it back.
    activate(knob<QComboBox>(form, "services[0].autoscaler.policy"), QString());
    QVERIFY(!form.yaml().contains("    autoscaler:"));
    QVERIFY(!load(form.yaml(), "diurnal-chat-hpa.yaml").services[0].autoscaler.params.count("min_replicas"));
    QVERIFY(form.yaml().contains("# A chat endpoint under a day of diurnal traffic"));
    activate(knob<QComboBox>(form, "services[0].autoscaler.policy"), "hpa");
    QCOMPARE(load(form.yaml(), "diurnal-chat-hpa.yaml").services[0].autoscaler.policy, std::string("hpa"));
  }

  void priceOverrideGoesToTheCatalogSection() {
    ScenarioForm form;
    form.setYaml(scenarioText("quickstart.yaml"));
    form.refreshNow();
    knob<QDoubleSpinBox>(form, "platform.sites[0]:price")->setValue(80.0);
    QVERIFY(form.yaml().contains("catalog:\n  node_shapes:\n    - {name: h100x8, price: $80/h}\n"));
    ScenarioSpec spec = load(form.yaml(), "quickstart.yaml");
    QCOMPARE(spec.catalog.find_node_shape("h100x8")->price_per_hour, 80.0);
    // The override keeps the catalogue's other fields (the loader merges them).
    QCOMPARE(spec.catalog.find_node_shape("h100x8")->gpus, 8);
    QVERIFY(knob<QDoubleSpinBox>(form, "platform.sites[0]:price")->toolTip().contains("set in this scenario"));
    // A second change edits the override.
    knob<QDoubleSpinBox>(form, "platform.sites[0]:price")->setValue(75.5);
    QVERIFY(form.yaml().contains("    - {name: h100x8, price: $75.5/h}\n"));
    QCOMPARE(form.yaml().count("node_shapes"), 1);
    spec = load(form.yaml(), "quickstart.yaml");
    QCOMPARE(spec.catalog.find_node_shape("h100x8")->price_per_hour, 75.5);
  }

  void textChangesUpdateTheKnobsWithoutEditingBack() {
    ScenarioForm form;
    const QString original = scenarioText("quickstart.yaml");
    form.setYaml(original);
    form.refreshNow();
    QSignalSpy edited(&form, &ScenarioForm::yamlEdited);
    QString changed = original;
    changed.replace("replicas: 8", "replicas: 5").replace("racks: 2", "racks: 3");
    form.setYaml(changed);
    QTRY_COMPARE(knob<QSpinBox>(form, "services[0].replicas")->value(), 5);  // after the pause
    QCOMPARE(knob<QSpinBox>(form, "platform.sites[0].racks")->value(), 3);
    QCOMPARE(form.siteGpuCount(0), 96);
    QCOMPARE(edited.count(), 0);
    QCOMPARE(form.yaml(), changed);

    // A second service appears in the form.
    changed += "  - name: embed\n    replicas: 3\n";
    form.setYaml(changed);
    form.refreshNow();
    QCOMPARE(knob<QSpinBox>(form, "services[1].replicas")->value(), 3);
    QCOMPARE(edited.count(), 0);
  }

  void invalidYamlDisablesTheForm() {
    ScenarioForm form;
    const QString original = scenarioText("quickstart.yaml");
    form.setYaml(original);
    form.refreshNow();
    form.setYaml(original + "services: [unclosed\n");
    form.refreshNow();
    QVERIFY(form.problemText().contains("not valid YAML"));
    QVERIFY(!form.knobWidget("services[0].replicas")->isEnabled() ||
            !form.knobWidget("services[0].replicas")->parentWidget()->isEnabled());
    form.setYaml(original);
    form.refreshNow();
    QVERIFY(form.problemText().isEmpty());
    QVERIFY(form.knobWidget("services[0].replicas")->isEnabled());
    QVERIFY(form.knobWidget("services[0].replicas")->isVisibleTo(&form));
  }

  void arrivalRateOnlyWhenTheProcessHasOne() {
    ScenarioForm form;
    form.setYaml(scenarioText("azure-trace-replay.yaml"));
    form.refreshNow();
    QVERIFY(form.knobWidget("services[0].arrivals.process"));
    QVERIFY(!form.knobWidget("services[0].arrivals.rate"));
    auto* process = knob<QComboBox>(form, "services[0].arrivals.process");
    QCOMPARE(process->currentText(), QString("trace"));
    const int poisson = process->findText("poisson");
    process->setCurrentIndex(poisson);
    Q_EMIT process->activated(poisson);
    QVERIFY(form.yaml().contains("      process: poisson\n"));
    QVERIFY(form.knobWidget("services[0].arrivals.rate"));
  }

  void knobsFollowTheSchema() {
    QVERIFY(!availableScenarioKnobs().empty());
    for (const ScenarioKnob& knob : availableScenarioKnobs()) QVERIFY2(knob.isInSchema(), qPrintable(knob.pattern));
    // A knob of a later feature stays hidden until its key is in the schema.
    ScenarioKnob later{ScenarioKnob::Scope::site, "platform.sites[].failures.gpu_mtbf", "GPU MTBF", ScenarioKnob::Widget::automatic, {}, {}};
    QVERIFY(!later.isInSchema());
    QCOMPARE(later.relativeKey(), QString("failures.gpu_mtbf"));
    // A `<param>` wildcard is not an exact entry.
    ScenarioKnob wildcard{ScenarioKnob::Scope::service, "services[].autoscaler.target", "Target", ScenarioKnob::Widget::automatic, {}, {}};
    QVERIFY(!wildcard.isInSchema());
  }
};

QTEST_MAIN(TestScenarioForm)
#include "test_ScenarioForm.moc"
