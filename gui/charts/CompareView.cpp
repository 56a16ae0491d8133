#include "charts/CompareView.hpp"

#include <QFileDialog>
#include <QFileInfo>
#include <QSet>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <map>
#include <set>

#include "RunComparison.hpp"
#include "charts/ComparisonTableModel.hpp"
#include "charts/CsvExport.hpp"
#include "charts/DashboardView.hpp"

namespace leptonsim::gui {

namespace {

std::map<std::string, std::string> parametersWithoutSeed(const leptonsim::RunDataset& run) {
  std::map<std::string, std::string> parameters = run.overview.parameters;
  parameters.erase("seed");
  return parameters;
}

QString swatch(ChangeQuality quality) {
  return QStringLiteral("<span style='background-color:%1'>&nbsp;&nbsp;&nbsp;&nbsp;</span>")
      .arg(ComparisonTableModel::qualityColor(quality).name());
}

}  // namespace

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* splitter = new QSplitter(Qt::Vertical, this);
  layout->addWidget(splitter);

  m_dashboard = new DashboardView(splitter);
  splitter->addWidget(m_dashboard);
  connect(m_dashboard, &DashboardView::timeSelected, this, &CompareView::timeSelected);

  auto* tablePane = new QWidget(splitter);
  auto* tableLayout = new QVBoxLayout(tablePane);
  tableLayout->setContentsMargins(8, 4, 8, 4);
  auto* toolbar = new QHBoxLayout;
  m_filter = new QLineEdit(tablePane);
  m_filter->setPlaceholderText(tr("Filter metrics, e.g. \"chat p99\""));
  m_filter->setClearButtonEnabled(true);
  toolbar->addWidget(m_filter, 1);
  m_summaryLabel = new QLabel(tablePane);
  m_summaryLabel->setTextFormat(Qt::RichText);
  m_summaryLabel->setText(tr("first column = baseline &nbsp; %1 better &nbsp; %2 worse &nbsp; %3 different")
                              .arg(swatch(ChangeQuality::Better), swatch(ChangeQuality::Worse),
                                   swatch(ChangeQuality::Neutral)));
  toolbar->addWidget(m_summaryLabel);
  auto* exportButton = new QPushButton(tr("Export CSV…"), tablePane);
  toolbar->addWidget(exportButton);
  tableLayout->addLayout(toolbar);

  m_model = new ComparisonTableModel(this);
  m_table = new QTableView(tablePane);
  m_table->setModel(m_model);
  m_table->setAlternatingRowColors(false);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setWordWrap(false);
  m_table->verticalHeader()->setVisible(false);
  m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
  m_table->horizontalHeader()->setStretchLastSection(false);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  tableLayout->addWidget(m_table, 1);
  splitter->addWidget(tablePane);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);

  connect(m_filter, &QLineEdit::textChanged, m_model, &ComparisonTableModel::setFilter);
  connect(exportButton, &QPushButton::clicked, this, [this]() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export comparison"), QStringLiteral("comparison.csv"),
                                                      tr("CSV file (*.csv)"));
    if (!path.isEmpty()) exportTableCsvShowingErrors(path);
  });
}

QList<QList<int>> CompareView::groupRunsIntoColumns(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs) {
  // The GUI's "seeds: N" writes one report per seed: seeds of one configuration come from
  // several files, so the file is not part of the key; the scenario name and the parameters are.
  QList<QList<int>> groups;
  QList<std::pair<std::string, std::map<std::string, std::string>>> keys;
  for (int i = 0; i < runs.size(); ++i) {
    const auto& run = *runs.at(i);
    auto key = std::make_pair(run.overview.run.scenario_name, parametersWithoutSeed(run));
    const int found = static_cast<int>(keys.indexOf(key));
    if (found >= 0) {
      groups[found] << i;
    } else {
      keys << key;
      groups << QList<int>{i};
    }
  }
  return groups;
}

namespace {

/// Parameter keys whose value differs between the columns (seed excluded).
std::set<std::string> varyingParameters(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs,
                                        const QList<QList<int>>& groups) {
  std::set<std::string> varying;
  if (groups.size() < 2) return varying;
  std::set<std::string> keys;
  for (const auto& group : groups)
    for (const auto& [key, value] : parametersWithoutSeed(*runs.at(group.front()))) keys.insert(key);
  for (const std::string& key : keys) {
    std::set<std::string> values;
    for (const auto& group : groups) {
      const auto parameters = parametersWithoutSeed(*runs.at(group.front()));
      const auto it = parameters.find(key);
      values.insert(it == parameters.end() ? std::string("(unset)") : it->second);
    }
    if (values.size() > 1) varying.insert(key);
  }
  return varying;
}

QString parameterValue(const leptonsim::RunDataset& run, const std::string& key) {
  const auto it = run.overview.parameters.find(key);
  return it == run.overview.parameters.end() ? QStringLiteral("(unset)") : QString::fromStdString(it->second);
}

QString fileStem(const leptonsim::RunDataset& run) {
  if (run.report_path.empty()) return QString::fromStdString(run.overview.run.scenario_name);
  return QFileInfo(QString::fromStdString(run.report_path)).completeBaseName();
}

QString seedsSuffix(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs, const QList<int>& group) {
  if (group.size() == 1) return QStringLiteral(" (seed %1)").arg(runs.at(group.front())->overview.run.seed);
  return QStringLiteral(" (%1 seeds)").arg(group.size());
}

}  // namespace

QStringList CompareView::columnLabels(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs,
                                      const QList<QList<int>>& groups) {
  const std::set<std::string> varying = varyingParameters(runs, groups);
  // When many settings differ (a policy swap changes all its parameters), the
  // report files' names say better what each column is, if each column has a
  // file of its own: users name reports after what they tried.
  QStringList stems;
  for (const auto& group : groups) {
    QSet<QString> groupStems;
    for (int index : group) groupStems.insert(fileStem(*runs.at(index)));
    stems << (groupStems.size() == 1 ? *groupStems.begin() : QString());
  }
  const bool stemsNameColumns = groups.size() > 1 && !stems.contains(QString()) &&
                                QSet<QString>(stems.begin(), stems.end()).size() == stems.size();
  const bool preferStems = stemsNameColumns && varying.size() > 2;
  QStringList labels;
  for (int g = 0; g < groups.size(); ++g) {
    const auto& group = groups.at(g);
    const auto& first = *runs.at(group.front());
    QString label;
    if (preferStems) {
      label = stems.at(g);
    } else if (!varying.empty()) {
      // What the columns differ in, briefly: at most three settings, keys cut to their last two parts.
      QStringList settings;
      for (const std::string& key : varying) {
        if (settings.size() == 3) {
          settings << QStringLiteral("…");
          break;
        }
        settings << QStringLiteral("%1=%2").arg(QString::fromStdString(key).section(QLatin1Char('.'), -2),
                                                parameterValue(first, key));
      }
      label = settings.join(QStringLiteral(", "));
    } else {
      label = fileStem(first);
    }
    labels << label + seedsSuffix(runs, group);
  }
  // Still ambiguous (same parameters, other scenario or file): add the scenario, then the file.
  QStringList unique = labels;
  for (int i = 0; i < labels.size(); ++i)
    if (labels.count(labels.at(i)) > 1) {
      const auto& first = *runs.at(groups.at(i).front());
      unique[i] = QString::fromStdString(first.overview.run.scenario_name) + QStringLiteral(" · ") + labels.at(i);
    }
  for (int i = 0; i < unique.size(); ++i)
    if (unique.count(unique.at(i)) > 1)
      unique[i] += QStringLiteral(" · ") + QFileInfo(QString::fromStdString(runs.at(groups.at(i).front())->report_path)).fileName();
  return unique;
}

QStringList CompareView::columnDescriptions(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs,
                                            const QList<QList<int>>& groups) {
  const std::set<std::string> varying = varyingParameters(runs, groups);
  QStringList descriptions;
  for (const auto& group : groups) {
    const auto& first = *runs.at(group.front());
    QStringList lines;
    lines << tr("scenario: %1").arg(QString::fromStdString(first.overview.run.scenario_name));
    for (const std::string& key : varying)
      lines << QStringLiteral("%1 = %2").arg(QString::fromStdString(key), parameterValue(first, key));
    QStringList seeds;
    QStringList files;
    for (int index : group) {
      seeds << QString::number(runs.at(index)->overview.run.seed);
      const QString file = QString::fromStdString(runs.at(index)->report_path);
      if (!file.isEmpty() && !files.contains(file)) files << file;
    }
    lines << (group.size() == 1 ? tr("seed %1 (one run: no confidence interval)").arg(seeds.front())
                                : tr("%1 seeds: %2").arg(group.size()).arg(seeds.join(QStringLiteral(", "))));
    if (!files.isEmpty()) lines << (files.size() == 1 ? tr("file: %1") : tr("files: %1")).arg(files.join(QStringLiteral(", ")));
    descriptions << lines.join(QLatin1Char('\n'));
  }
  return descriptions;
}

void CompareView::setRuns(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs) {
  m_runs.clear();
  for (const auto& run : runs)
    if (run) m_runs << run;
  const QList<QList<int>> groups = groupRunsIntoColumns(m_runs);
  const QStringList labels = columnLabels(m_runs, groups);
  // One colour per column: the seeds of a point are drawn alike.
  QList<int> columnOfRun(m_runs.size(), 0);
  for (int g = 0; g < groups.size(); ++g)
    for (int index : groups.at(g)) columnOfRun[index] = g;
  m_dashboard->setRuns(m_runs, columnOfRun, labels);

  std::vector<leptonsim::ComparisonColumn> columns;
  for (int g = 0; g < groups.size(); ++g) {
    leptonsim::ComparisonColumn column;
    column.label = labels.at(g).toStdString();
    for (int index : groups.at(g)) column.runs.push_back(&m_runs.at(index)->overview);
    columns.push_back(std::move(column));
  }
  m_model->setTable(columns.empty() ? leptonsim::ComparisonTable{} : leptonsim::compare_columns(columns));
  m_model->setColumnDescriptions(columnDescriptions(m_runs, groups));
  m_table->resizeColumnsToContents();
  // Long labels are elided in the header (its tooltip says everything).
  for (int column = 0; column < m_model->columnCount(); ++column)
    m_table->setColumnWidth(column, std::min(m_table->columnWidth(column), 320));
}

bool CompareView::exportTableCsv(const QString& path, QString* error) {
  return CsvExport::writeFile(*m_model, path, error);
}

bool CompareView::exportTableCsvShowingErrors(const QString& path) {
  QString error;
  const bool ok = exportTableCsv(path, &error);
  if (!ok) QMessageBox::warning(this, tr("Export failed"), error);
  return ok;
}

}  // namespace leptonsim::gui
