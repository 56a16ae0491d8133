// Before any Qt header: the policy headers use `slots` as a field name, which Qt defines as a macro.
#include "RegisterAllPolicies.hpp"

#include "editor/ScenarioForm.hpp"
#include "ScenarioSchema.hpp"
#include "ScenarioTextEdit.hpp"
#include "Units.hpp"
#include "editor/CompactDoubleSpinBox.hpp"

#include <QApplication>
#include <QComboBox>
#include <QScrollBar>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace leptonsim::gui {

namespace {

constexpr int refreshDelayMs = 150;
const char* const defaultNodeShape = "h100x8";

// The node at a key path of plain map keys and list indices ("services[0].autoscaler"), or an undefined node.
YAML::Node nodeAt(const YAML::Node& root, const QString& keyPath) {
  YAML::Node current = root;
  for (const QString& part : keyPath.split('.')) {
    const int bracket = part.indexOf('[');
    const QString key = bracket < 0 ? part : part.left(bracket);
    if (!current.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node& map = current;
    YAML::Node next = map[key.toStdString()];
    if (!next.IsDefined()) return next;
    if (bracket >= 0) {
      bool isNumber = false;
      const int index = part.mid(bracket + 1, part.size() - bracket - 2).toInt(&isNumber);
      if (!isNumber || !next.IsSequence() || index < 0 || std::size_t(index) >= next.size())
        return YAML::Node(YAML::NodeType::Undefined);
      const YAML::Node& list = next;
      next.reset(list[std::size_t(index)]);
    }
    current.reset(next);
  }
  return current;
}

const SchemaEntry* schemaEntry(const QString& pattern) {
  const std::string path = pattern.toStdString();
  const SchemaEntry* entry = find_schema_entry(path);
  return entry != nullptr && entry->path == path ? entry : nullptr;
}

QString schemaDefault(const QString& pattern, const QString& fallback = {}) {
  const SchemaEntry* entry = schemaEntry(pattern);
  return entry != nullptr && !entry->default_text.empty() ? QString::fromStdString(entry->default_text) : fallback;
}

QString schemaTooltip(const SchemaEntry& entry) {
  QString tip = QString::fromStdString(entry.description);
  QStringList facts;
  if (!entry.default_text.empty()) facts << QObject::tr("Default: %1.").arg(QString::fromStdString(entry.default_text));
  if (const std::string range = describe_range(entry); !range.empty())
    facts << QObject::tr("Allowed: %1.").arg(QString::fromStdString(range));
  if (entry.type == ValueType::quantity)
    facts << QObject::tr("Unit: %1, e.g. %2.")
                 .arg(QString::fromStdString(std::string(quantity_kind_name(entry.quantity))),
                      QString::fromStdString(std::string(quantity_examples(entry.quantity))).remove('`'));
  facts << QObject::tr("Key: %1").arg(QString::fromStdString(entry.path));
  return tip + QStringLiteral("\n") + facts.join(' ');
}

QString parameterTooltip(const PolicyParameter& parameter) {
  return QObject::tr("%1\nDefault: %2. Range: %3 to %4.")
      .arg(QString::fromStdString(parameter.description), CompactDoubleSpinBox::compactText(parameter.default_value),
           CompactDoubleSpinBox::compactText(parameter.min_value),
           CompactDoubleSpinBox::compactText(parameter.max_value));
}

const PolicyInfo* findPolicy(bool isAutoscaler, const QString& name) {
  const PolicyRegistries& registries = policy_registries();
  try {
    return isAutoscaler ? &registries.autoscalers.info(name.toStdString())
                        : &registries.load_balancers.info(name.toStdString());
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::vector<PolicyInfo> policyInfos(bool isAutoscaler) {
  const PolicyRegistries& registries = policy_registries();
  return isAutoscaler ? registries.autoscalers.infos() : registries.load_balancers.infos();
}

// Shows a value that comes from a default (not written in the text) in grey.
void markDefault(QWidget* widget, bool isDefault) {
  QPalette palette = widget->parentWidget() != nullptr ? widget->parentWidget()->palette() : widget->palette();
  if (isDefault) palette.setColor(QPalette::Text, palette.color(QPalette::PlaceholderText));
  widget->setPalette(palette);
}

}  // namespace

ScenarioForm::ScenarioForm(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  problemLabel_ = new QLabel(this);
  problemLabel_->setWordWrap(true);
  problemLabel_->setStyleSheet(
      QStringLiteral("QLabel { background: #fff4e5; color: #8a4b00; border: 1px solid #f0c27b; padding: 4px; }"));
  problemLabel_->hide();
  layout->addWidget(problemLabel_);
  scroll_ = new QScrollArea(this);
  scroll_->setWidgetResizable(true);
  scroll_->setFrameShape(QFrame::NoFrame);
  layout->addWidget(scroll_);
  setMinimumWidth(300);

  refreshTimer_.setSingleShot(true);
  refreshTimer_.setInterval(refreshDelayMs);
  connect(&refreshTimer_, &QTimer::timeout, this, &ScenarioForm::refreshNow);
  refreshNow();
}

void ScenarioForm::setYaml(const QString& yaml) {
  if (yaml == yaml_) return;
  yaml_ = yaml;
  refreshTimer_.start();
}

void ScenarioForm::refreshNow() {
  refreshTimer_.stop();
  try {
    root_ = YAML::Load(yaml_.toStdString());
    isParsed_ = true;
  } catch (const YAML::Exception& error) {
    isParsed_ = false;
    showProblem(tr("The text is not valid YAML (line %1: %2); the form follows again once it is.")
                    .arg(error.mark.line + 1)
                    .arg(QString::fromStdString(error.msg)));
    if (content_ != nullptr) content_->setEnabled(false);
    return;
  }
  problemLabel_->hide();
  rebuildCatalog();
  const QString key = structureKey();
  if (content_ == nullptr || key != structureKey_) {
    structureKey_ = key;
    rebuild();
  }
  content_->setEnabled(true);
  for (const Binding& binding : bindings_) binding.refresh();
}

QWidget* ScenarioForm::knobWidget(const QString& keyPath) const {
  for (const Binding& binding : bindings_)
    if (binding.keyPath == keyPath) return binding.widget;
  return nullptr;
}

QStringList ScenarioForm::knobKeyPaths() const {
  QStringList paths;
  for (const Binding& binding : bindings_) paths << binding.keyPath;
  return paths;
}

int ScenarioForm::siteGpuCount(int index) const {
  const QString site = sitePath(index);
  const int racks = valueOr(site + ".racks", schemaDefault("platform.sites[].racks", "1")).toInt();
  const int nodesPerRack = valueOr(site + ".nodes_per_rack", schemaDefault("platform.sites[].nodes_per_rack", "1")).toInt();
  const NodeShape* shape =
      catalog_.find_node_shape(valueOr(site + ".node", schemaDefault("platform.sites[].node", defaultNodeShape)).toStdString());
  return shape != nullptr ? racks * nodesPerRack * shape->gpus : 0;
}

QString ScenarioForm::problemText() const { return problemLabel_->isHidden() ? QString() : problemLabel_->text(); }

// ---------------------------------------------------------------------------
// Reading the document

std::optional<std::string> ScenarioForm::value(const QString& keyPath) const {
  if (!isParsed_) return std::nullopt;
  try {
    return read_scalar(root_, keyPath.toStdString());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

QString ScenarioForm::valueOr(const QString& keyPath, const QString& fallback) const {
  const auto text = value(keyPath);
  return text ? QString::fromStdString(*text) : fallback;
}

int ScenarioForm::itemCount(const char* listKey) const {
  const YAML::Node list = nodeAt(root_, QString::fromLatin1(listKey));
  return list.IsDefined() && list.IsSequence() ? int(list.size()) : 0;
}

QString ScenarioForm::sitePath(int index) const { return QStringLiteral("platform.sites[%1]").arg(index); }

bool ScenarioForm::isHidden(const ScenarioKnob& knob, const QString& scopePath) const {
  if (knob.hiddenWhenKey.isEmpty()) return false;
  const QString key = scopePath.isEmpty() ? knob.hiddenWhenKey : scopePath + "." + knob.hiddenWhenKey;
  const QString pattern = QString::fromStdString(key_path_pattern(key.toStdString()));
  return valueOr(key, schemaDefault(pattern)) == knob.hiddenWhenValue;
}

QString ScenarioForm::effectivePolicy(const QString& servicePath, bool isAutoscaler) const {
  const QString section = servicePath + (isAutoscaler ? ".autoscaler" : ".load_balancer");
  const YAML::Node node = nodeAt(root_, section);
  if (isAutoscaler && (!node.IsDefined() || node.IsNull())) return QString();  // no autoscaler: "none"
  return valueOr(section + ".policy",
                 schemaDefault(isAutoscaler ? "services[].autoscaler.policy" : "services[].load_balancer.policy"));
}

std::optional<int> ScenarioForm::nodeShapeOverrideIndex(const QString& shapeName) const {
  const YAML::Node shapes = nodeAt(root_, QStringLiteral("catalog.node_shapes"));
  if (!shapes.IsDefined() || !shapes.IsSequence()) return std::nullopt;
  for (std::size_t i = 0; i < shapes.size(); ++i)
    if (valueOr(QStringLiteral("catalog.node_shapes[%1].name").arg(i), QString()) == shapeName) return int(i);
  return std::nullopt;
}

void ScenarioForm::rebuildCatalog() {
  // The built-in catalogue with the text's catalog.node_shapes on top; an entry
  // with an existing name changes only the fields it gives, as in the loader.
  catalog_ = HardwareCatalog::builtin();
  const int count = itemCount("catalog.node_shapes");
  for (int i = 0; i < count; ++i) {
    const QString entry = QStringLiteral("catalog.node_shapes[%1]").arg(i);
    const auto name = value(entry + ".name");
    if (!name) continue;
    const NodeShape* existing = catalog_.find_node_shape(*name);
    NodeShape shape = existing != nullptr ? *existing : NodeShape{};
    shape.name = *name;
    if (const auto gpu = value(entry + ".gpu")) shape.gpu_type = *gpu;
    if (const auto gpus = value(entry + ".gpus")) shape.gpus = QString::fromStdString(*gpus).toInt();
    if (const auto price = value(entry + ".price")) {
      const QuantityResult parsed = try_parse_quantity(QuantityKind::money_rate, *price);
      if (parsed.ok()) shape.price_per_hour = parsed.value;
    }
    catalog_.put_node_shape(shape);
  }
}

// What decides which widgets exist: sites, services, catalogue entries,
// policies and hidden rows. Values alone only update the widgets.
QString ScenarioForm::structureKey() const {
  QStringList parts;
  const std::vector<ScenarioKnob> knobs = availableScenarioKnobs();
  auto addHidden = [&](ScenarioKnob::Scope scope, const QString& scopePath) {
    for (const ScenarioKnob& knob : knobs)
      if (knob.scope == scope && !knob.hiddenWhenKey.isEmpty()) parts << (isHidden(knob, scopePath) ? "h" : "v");
  };
  for (const std::string& name : catalog_.node_shape_names()) {
    const NodeShape* shape = catalog_.find_node_shape(name);
    parts << QStringLiteral("shape %1 %2 %3").arg(QString::fromStdString(name)).arg(shape->gpus).arg(
                 QString::fromStdString(shape->gpu_type));
  }
  addHidden(ScenarioKnob::Scope::scenario, QString());
  const int sites = itemCount("platform.sites");
  for (int i = 0; i < sites; ++i) {
    parts << "site " + valueOr(sitePath(i) + ".name", QString());
    addHidden(ScenarioKnob::Scope::site, sitePath(i));
  }
  const int services = itemCount("services");
  for (int i = 0; i < services; ++i) {
    const QString service = QStringLiteral("services[%1]").arg(i);
    parts << "service " + valueOr(service + ".name", QString()) + " " + valueOr(service + ".site", QString()) + " " +
                 effectivePolicy(service, false) + " " + effectivePolicy(service, true);
    addHidden(ScenarioKnob::Scope::service, service);
  }
  return parts.join('\n');
}

// ---------------------------------------------------------------------------
// Building the widgets

void ScenarioForm::rebuild() {
  // Keep the scroll position and the focused knob across the rebuild (a policy
  // change rebuilds the rows under the combo box the user just used).
  const int scrollPosition = scroll_->verticalScrollBar()->value();
  QString focusedKeyPath;
  if (QWidget* focused = QApplication::focusWidget())
    for (const Binding& binding : bindings_)
      if (binding.widget == focused || binding.widget->isAncestorOf(focused)) focusedKeyPath = binding.keyPath;

  ++structureGeneration_;
  bindings_.clear();
  auto* content = new QWidget;
  auto* layout = new QVBoxLayout(content);

  auto addGroup = [&](const QString& title, ScenarioKnob::Scope scope, const QString& scopePath) {
    auto* group = new QGroupBox(title, content);
    auto* form = new QFormLayout(group);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    addScopeKnobs(form, scope, scopePath);
    if (form->rowCount() == 0) {
      delete group;
      return;
    }
    layout->addWidget(group);
  };

  addGroup(tr("Scenario"), ScenarioKnob::Scope::scenario, QString());
  const int sites = itemCount("platform.sites");
  for (int i = 0; i < sites; ++i)
    addGroup(tr("Site %1").arg(valueOr(sitePath(i) + ".name", QString::number(i))), ScenarioKnob::Scope::site,
             sitePath(i));
  const int services = itemCount("services");
  for (int i = 0; i < services; ++i) {
    const QString service = QStringLiteral("services[%1]").arg(i);
    const QString site = valueOr(service + ".site", QString());
    const QString name = valueOr(service + ".name", QString::number(i));
    addGroup(site.isEmpty() ? tr("Service %1").arg(name) : tr("Service %1 (on %2)").arg(name, site),
             ScenarioKnob::Scope::service, service);
  }
  if (sites == 0 && services == 0) {
    auto* hint = new QLabel(tr("Add sites under platform.sites and services under services in the text; their "
                               "knobs appear here."),
                            content);
    hint->setWordWrap(true);
    layout->addWidget(hint);
  }
  layout->addStretch(1);

  // The old widgets may be the sender of the signal that got us here: delete them later.
  if (QWidget* old = scroll_->takeWidget()) old->deleteLater();
  scroll_->setWidget(content);
  content_ = content;
  if (QWidget* widget = knobWidget(focusedKeyPath)) widget->setFocus();
  scroll_->verticalScrollBar()->setValue(scrollPosition);
  // The new rows get their sizes when the layout runs: set the position again then.
  const int generation = structureGeneration_;
  QTimer::singleShot(0, this, [this, generation, scrollPosition] {
    if (generation == structureGeneration_) scroll_->verticalScrollBar()->setValue(scrollPosition);
  });
}

void ScenarioForm::addScopeKnobs(QFormLayout* form, ScenarioKnob::Scope scope, const QString& scopePath) {
  for (const ScenarioKnob& knob : availableScenarioKnobs())
    if (knob.scope == scope && !isHidden(knob, scopePath)) addKnob(form, knob, scopePath);
}

void ScenarioForm::addKnob(QFormLayout* form, const ScenarioKnob& knob, const QString& scopePath) {
  const QString keyPath = scopePath.isEmpty() ? knob.pattern : scopePath + "." + knob.relativeKey();
  switch (knob.widget) {
    case ScenarioKnob::Widget::automatic: addAutomaticKnob(form, knob, keyPath); break;
    case ScenarioKnob::Widget::nodeShape: addNodeShapeKnob(form, knob, keyPath); break;
    case ScenarioKnob::Widget::siteCapacity: addCapacityRow(form, knob, scopePath); break;
    case ScenarioKnob::Widget::nodePrice: addPriceKnob(form, knob, scopePath); break;
    case ScenarioKnob::Widget::loadBalancerPolicy: addPolicyKnob(form, knob, scopePath, false); break;
    case ScenarioKnob::Widget::autoscalerPolicy: addPolicyKnob(form, knob, scopePath, true); break;
  }
}

void ScenarioForm::addBinding(const QString& keyPath, QWidget* widget, std::function<void()> refresh) {
  widget->setObjectName(keyPath);
  bindings_.push_back({keyPath, widget, std::move(refresh)});
}

void ScenarioForm::guardWheel(QWidget* widget) {
  widget->setFocusPolicy(Qt::StrongFocus);
  widget->installEventFilter(this);
}

bool ScenarioForm::eventFilter(QObject* watched, QEvent* event) {
  // A wheel over an unfocused knob scrolls the form instead of changing the value.
  if (event->type() == QEvent::Wheel) {
    if (auto* widget = qobject_cast<QWidget*>(watched); widget != nullptr && !widget->hasFocus()) {
      event->ignore();
      return true;
    }
  }
  return QWidget::eventFilter(watched, event);
}

void ScenarioForm::addAutomaticKnob(QFormLayout* form, const ScenarioKnob& knob, const QString& keyPath) {
  const SchemaEntry& entry = *schemaEntry(knob.pattern);
  const QString defaultText = QString::fromStdString(entry.default_text);
  const int generation = structureGeneration_;
  QWidget* widget = nullptr;

  if (entry.type == ValueType::integer && !entry.wide_integer) {
    auto* spin = new QSpinBox;
    const double low = entry.min ? *entry.min + (entry.min_exclusive ? 1 : 0) : 0.0;
    const double high = entry.max ? *entry.max : 1e6;
    spin->setRange(int(std::ceil(low)), int(std::min(high, double(std::numeric_limits<int>::max()))));
    spin->setKeyboardTracking(false);
    guardWheel(spin);
    addBinding(keyPath, spin, [this, spin, keyPath, defaultText] {
      const auto text = value(keyPath);
      bool isNumber = false;
      const int number = QString::fromStdString(text.value_or(defaultText.toStdString())).toInt(&isNumber);
      const QSignalBlocker blocker(spin);
      if (isNumber) spin->setValue(number);
      markDefault(spin, !text);
    });
    connect(spin, &QSpinBox::valueChanged, this, [this, generation, keyPath](int number) {
      if (generation == structureGeneration_) setValue(keyPath, QString::number(number));
    });
    widget = spin;
  } else if (entry.type == ValueType::choice) {
    auto* combo = new QComboBox;
    for (const std::string& choice : entry.choices) combo->addItem(QString::fromStdString(choice));
    guardWheel(combo);
    addBinding(keyPath, combo, [this, combo, keyPath, defaultText] {
      const QString current = valueOr(keyPath, defaultText);
      const QSignalBlocker blocker(combo);
      if (combo->findText(current) < 0) combo->addItem(current);  // an invalid value: the validator says so
      combo->setCurrentIndex(combo->findText(current));
    });
    connect(combo, &QComboBox::activated, this, [this, generation, keyPath, combo](int index) {
      if (generation == structureGeneration_) setValue(keyPath, combo->itemText(index));
    });
    widget = combo;
  } else {
    auto* edit = new QLineEdit;
    if (!defaultText.isEmpty()) edit->setPlaceholderText(tr("default: %1").arg(defaultText));
    const bool isQuantity = entry.type == ValueType::quantity;
    const QuantityKind kind = entry.quantity;
    const QString tooltip = schemaTooltip(entry);
    auto markValidity = [edit, isQuantity, kind, tooltip] {
      const QString text = edit->text().trimmed();
      const QuantityResult parsed = isQuantity && !text.isEmpty() ? try_parse_quantity(kind, text.toStdString())
                                                                  : QuantityResult{};
      edit->setStyleSheet(parsed.ok() ? QString() : QStringLiteral("QLineEdit { border: 1px solid #d73a49; }"));
      edit->setToolTip(parsed.ok() ? tooltip : QString::fromStdString(parsed.error) + "\n\n" + tooltip);
    };
    addBinding(keyPath, edit, [this, edit, keyPath, markValidity] {
      if (edit->hasFocus() && edit->isModified()) return;  // the user is typing here
      const QSignalBlocker blocker(edit);
      edit->setText(valueOr(keyPath, QString()));
      edit->setModified(false);
      markValidity();
    });
    connect(edit, &QLineEdit::textEdited, this, markValidity);
    connect(edit, &QLineEdit::editingFinished, this, [this, generation, keyPath, edit] {
      if (generation != structureGeneration_) return;
      edit->setModified(false);
      const QString text = edit->text().trimmed();
      const auto current = value(keyPath);
      if (text.isEmpty()) {
        if (current) applyEdit([keyPath](const std::string& yaml) { return remove_key(yaml, keyPath.toStdString()); });
      } else if (!current || QString::fromStdString(*current) != text) {
        setValue(keyPath, text);
      }
    });
    widget = edit;
  }
  if (widget->toolTip().isEmpty()) widget->setToolTip(schemaTooltip(entry));
  auto* label = new QLabel(knob.label);
  label->setToolTip(schemaTooltip(entry));
  form->addRow(label, widget);
}

void ScenarioForm::addNodeShapeKnob(QFormLayout* form, const ScenarioKnob& knob, const QString& keyPath) {
  auto* combo = new QComboBox;
  for (const std::string& name : catalog_.node_shape_names()) {
    const NodeShape& shape = *catalog_.find_node_shape(name);
    combo->addItem(QStringLiteral("%1 — %2 × %3")
                       .arg(QString::fromStdString(name))
                       .arg(shape.gpus)
                       .arg(QString::fromStdString(shape.gpu_type)),
                   QString::fromStdString(name));
    combo->setItemData(combo->count() - 1,
                       tr("%1 GPUs of type %2 per node, $%3 per node-hour")
                           .arg(shape.gpus)
                           .arg(QString::fromStdString(shape.gpu_type), CompactDoubleSpinBox::compactText(shape.price_per_hour)),
                       Qt::ToolTipRole);
  }
  guardWheel(combo);
  const QString fallback = schemaDefault(knob.pattern, defaultNodeShape);
  addBinding(keyPath, combo, [this, combo, keyPath, fallback] {
    const QString current = valueOr(keyPath, fallback);
    const QSignalBlocker blocker(combo);
    if (combo->findData(current) < 0) combo->addItem(tr("%1 (unknown)").arg(current), current);
    combo->setCurrentIndex(combo->findData(current));
  });
  const int generation = structureGeneration_;
  connect(combo, &QComboBox::activated, this, [this, generation, keyPath, combo](int index) {
    if (generation == structureGeneration_) setValue(keyPath, combo->itemData(index).toString());
  });
  if (const SchemaEntry* entry = schemaEntry(knob.pattern)) combo->setToolTip(schemaTooltip(*entry));
  form->addRow(knob.label, combo);
}

void ScenarioForm::addCapacityRow(QFormLayout* form, const ScenarioKnob& knob, const QString& site) {
  auto* label = new QLabel;
  label->setTextFormat(Qt::RichText);
  label->setToolTip(tr("Racks × nodes per rack × GPUs per node of the node shape"));
  addBinding(site + ":capacity", label, [this, label, site] {
    const int index = site.mid(site.indexOf('[') + 1).chopped(1).toInt();
    const int racks = valueOr(site + ".racks", schemaDefault("platform.sites[].racks", "1")).toInt();
    const int nodesPerRack =
        valueOr(site + ".nodes_per_rack", schemaDefault("platform.sites[].nodes_per_rack", "1")).toInt();
    const QString shapeName = valueOr(site + ".node", schemaDefault("platform.sites[].node", defaultNodeShape));
    const NodeShape* shape = catalog_.find_node_shape(shapeName.toStdString());
    if (shape == nullptr) {
      label->setText(tr("%1 nodes; unknown node shape").arg(racks * nodesPerRack));
      return;
    }
    auto count = [](int number, const QString& one, const QString& many) {
      return QStringLiteral("%1 %2").arg(number).arg(number == 1 ? one : many);
    };
    label->setText(tr("<b>%1</b> on %2 (%3 × %4 × %5 %6)")
                       .arg(count(siteGpuCount(index), tr("GPU"), tr("GPUs")),
                            count(racks * nodesPerRack, tr("node"), tr("nodes")),
                            count(racks, tr("rack"), tr("racks")), count(nodesPerRack, tr("node"), tr("nodes")))
                       .arg(shape->gpus)
                       .arg(QString::fromStdString(shape->gpu_type)));
  });
  form->addRow(knob.label, label);
}

void ScenarioForm::addPriceKnob(QFormLayout* form, const ScenarioKnob& knob, const QString& site) {
  auto* row = new QWidget;
  auto* rowLayout = new QHBoxLayout(row);
  rowLayout->setContentsMargins(0, 0, 0, 0);
  auto* spin = new CompactDoubleSpinBox(row);
  spin->setRange(0.0, 1e6);
  spin->setPrefix(QStringLiteral("$"));
  spin->setSuffix(tr(" /h"));
  guardWheel(spin);
  auto* source = new QLabel(row);
  source->setStyleSheet(QStringLiteral("color: palette(mid);"));
  rowLayout->addWidget(spin, 1);
  rowLayout->addWidget(source);
  const QString shapeKey = site + ".node";
  const QString providerKey = site + ".provider";
  const QString fallback = schemaDefault("platform.sites[].node", defaultNodeShape);
  addBinding(site + ":price", spin, [this, spin, source, shapeKey, providerKey, fallback] {
    const QString shapeName = valueOr(shapeKey, fallback);
    const NodeShape* shape = catalog_.find_node_shape(shapeName.toStdString());
    const QSignalBlocker blocker(spin);
    spin->setEnabled(shape != nullptr);
    if (shape == nullptr) {
      source->setText(tr("unknown node shape"));
      return;
    }
    // A site priced from a provider's list (data/prices.yaml): show that price, not the catalogue's.
    const QString provider = valueOr(providerKey, valueOr(QStringLiteral("cost.provider"), QStringLiteral("catalog")));
    if (const ProviderPrices* prices = catalog_.find_provider(provider.toStdString())) {
      const auto node = prices->node_prices.find(shapeName.toStdString());
      const bool listed = node != prices->node_prices.end() && node->second.count(Purchase::on_demand) > 0;
      spin->setEnabled(false);
      if (listed) spin->setValue(node->second.at(Purchase::on_demand));
      source->setText(tr("price list %1").arg(provider));
      spin->setToolTip(tr("On-demand price of %1 in the %2 price list (data/prices.yaml). Reserved, spot and owned "
                          "prices come from the same list or from cost.prices; set the site's provider to `catalog` "
                          "to price it from the node shape.")
                           .arg(shapeName, provider));
      source->setToolTip(spin->toolTip());
      return;
    }
    spin->setValue(shape->price_per_hour);
    const auto index = nodeShapeOverrideIndex(shapeName);
    const bool isOverride = index && value(QStringLiteral("catalog.node_shapes[%1].price").arg(*index)).has_value();
    source->setText(isOverride ? tr("set in catalog") : tr("catalogue"));
    const QString tip = isOverride ? tr("Price of %1 set in this scenario's catalog.node_shapes.")
                                   : tr("List price of %1 from the built-in catalogue (data/node_shapes.yaml); a "
                                        "change adds an override under catalog.node_shapes.");
    spin->setToolTip(tip.arg(shapeName));
    source->setToolTip(spin->toolTip());
  });
  const int generation = structureGeneration_;
  connect(spin, &QDoubleSpinBox::valueChanged, this, [this, generation, shapeKey, fallback](double price) {
    if (generation == structureGeneration_) setNodePrice(valueOr(shapeKey, fallback), price);
  });
  form->addRow(knob.label, row);
}

void ScenarioForm::addPolicyKnob(QFormLayout* form, const ScenarioKnob& knob, const QString& service,
                                 bool isAutoscaler) {
  const QString section = service + (isAutoscaler ? ".autoscaler" : ".load_balancer");
  auto* combo = new QComboBox;
  if (isAutoscaler) {
    combo->addItem(tr("none"), QString());
    combo->setItemData(0, tr("No autoscaler section: the replica count stays as given (the static policy)."),
                       Qt::ToolTipRole);
  }
  for (const PolicyInfo& info : policyInfos(isAutoscaler)) {
    combo->addItem(QString::fromStdString(info.name), QString::fromStdString(info.name));
    combo->setItemData(combo->count() - 1, QString::fromStdString(info.description), Qt::ToolTipRole);
  }
  guardWheel(combo);
  const QString current = effectivePolicy(service, isAutoscaler);
  if (combo->findData(current) < 0) combo->addItem(tr("%1 (unknown)").arg(current), current);
  combo->setCurrentIndex(combo->findData(current));
  if (const PolicyInfo* info = findPolicy(isAutoscaler, current)) combo->setToolTip(QString::fromStdString(info->description));
  // The policy itself only changes through a rebuild (it is part of the structure key).
  addBinding(section + ".policy", combo, [] {});
  const int generation = structureGeneration_;
  connect(combo, &QComboBox::activated, this, [this, generation, service, isAutoscaler, combo](int index) {
    if (generation == structureGeneration_) changePolicy(service, isAutoscaler, combo->itemData(index).toString());
  });
  form->addRow(knob.label, combo);

  const PolicyInfo* info = findPolicy(isAutoscaler, current);
  if (info == nullptr || info->parameters.empty()) return;
  auto* parameters = new QWidget;
  auto* parameterForm = new QFormLayout(parameters);
  parameterForm->setContentsMargins(16, 0, 0, 0);
  parameterForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  for (const PolicyParameter& parameter : info->parameters) {
    const QString keyPath = section + "." + QString::fromStdString(parameter.name);
    auto* spin = new CompactDoubleSpinBox;
    spin->setRange(parameter.min_value, parameter.max_value);
    spin->setToolTip(parameterTooltip(parameter));
    guardWheel(spin);
    const double fallback = parameter.default_value;
    addBinding(keyPath, spin, [this, spin, keyPath, fallback] {
      const auto text = value(keyPath);
      bool isNumber = false;
      const double number = text ? QString::fromStdString(*text).toDouble(&isNumber) : fallback;
      const QSignalBlocker blocker(spin);
      spin->setValue(text && isNumber ? number : fallback);
      markDefault(spin, !text);
    });
    connect(spin, &QDoubleSpinBox::valueChanged, this, [this, generation, keyPath](double number) {
      if (generation == structureGeneration_) setValue(keyPath, CompactDoubleSpinBox::compactText(number));
    });
    auto* label = new QLabel(QString::fromStdString(parameter.name).replace('_', ' '));
    label->setToolTip(spin->toolTip());
    parameterForm->addRow(label, spin);
  }
  form->addRow(parameters);
}

// ---------------------------------------------------------------------------
// Edits

void ScenarioForm::applyEdit(const std::function<std::string(const std::string&)>& edit) {
  std::string updated;
  try {
    updated = edit(yaml_.toStdString());
  } catch (const std::exception& error) {
    showProblem(tr("The form could not change the text: %1").arg(QString::fromStdString(error.what())));
    return;
  }
  const QString text = QString::fromStdString(updated);
  if (text == yaml_) return;
  yaml_ = text;
  Q_EMIT yamlEdited(yaml_);
  refreshNow();
}

void ScenarioForm::setValue(const QString& keyPath, const QString& text) {
  if (const auto current = value(keyPath); current && QString::fromStdString(*current) == text) return;
  applyEdit([keyPath, text](const std::string& yaml) {
    return set_scalar(yaml, keyPath.toStdString(), text.toStdString());
  });
}

void ScenarioForm::changePolicy(const QString& service, bool isAutoscaler, const QString& policy) {
  const QString section = service + (isAutoscaler ? ".autoscaler" : ".load_balancer");
  if (policy.isEmpty()) {
    applyEdit([section](const std::string& yaml) { return remove_key(yaml, section.toStdString()); });
    return;
  }
  // Parameters the new policy does not have would fail the run: drop them.
  QStringList obsolete;
  const YAML::Node node = nodeAt(root_, section);
  const PolicyInfo* info = findPolicy(isAutoscaler, policy);
  if (node.IsDefined() && node.IsMap() && info != nullptr) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "policy") continue;
      bool isKnown = false;
      for (const PolicyParameter& parameter : info->parameters) isKnown = isKnown || parameter.name == key;
      if (!isKnown) obsolete << QString::fromStdString(key);
    }
  }
  applyEdit([section, policy, obsolete](const std::string& yaml) {
    std::string text = set_scalar(yaml, (section + ".policy").toStdString(), policy.toStdString());
    for (const QString& key : obsolete) text = remove_key(text, (section + "." + key).toStdString());
    return text;
  });
}

void ScenarioForm::setNodePrice(const QString& shapeName, double dollarsPerHour) {
  const QString price = QStringLiteral("$%1/h").arg(CompactDoubleSpinBox::compactText(dollarsPerHour));
  const auto index = nodeShapeOverrideIndex(shapeName);
  if (index) {
    setValue(QStringLiteral("catalog.node_shapes[%1].price").arg(*index), price);
    return;
  }
  applyEdit([shapeName, price](const std::string& yaml) {
    const std::string item = "{name: " + yaml_scalar_text(shapeName.toStdString(), true) +
                             ", price: " + yaml_scalar_text(price.toStdString(), true) + "}";
    return append_list_item(yaml, "catalog.node_shapes", item);
  });
}

void ScenarioForm::showProblem(const QString& message) {
  problemLabel_->setText(message);
  problemLabel_->show();
}

}  // namespace leptonsim::gui
