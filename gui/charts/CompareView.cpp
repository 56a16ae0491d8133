#include "charts/CompareView.hpp"

#include <QFileDialog>
#include <QFileInfo>
#include <QSet>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
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
    if (!path.isEmpty()) exportTableCsv(path);
  });
}

QList<QList<int>> CompareView::groupRunsIntoColumns(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs) {
  QList<QList<int>> groups;
  QList<std::pair<std::string, std::map<std::string, std::string>>> keys;
  for (int i = 0; i < runs.size(); ++i) {
    const auto& run = *runs.at(i);
    auto key = std::make_pair(run.report_path, parametersWithoutSeed(run));
    // Runs without a file (built in memory) never merge: each is its own column.
    const int found = run.report_path.empty() ? -1 : static_cast<int>(keys.indexOf(key));
    if (found >= 0) {
      groups[found] << i;
    } else {
      keys << key;
      groups << QList<int>{i};
    }
  }
  return groups;
}

QStringList CompareView::columnLabels(const QList<std::shared_ptr<const leptonsim::RunDataset>>& runs,
                                      const QList<QList<int>>& groups) {
  // Parameters whose value differs between columns say what each column is.
  std::set<std::string> varying;
  if (groups.size() > 1) {
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
  }
  // Columns from different files are named after the files: users name their
  // reports after what they tried (hpa.db, static-peak.db).
  QStringList stems;
  for (const auto& group : groups)
    stems << QFileInfo(QString::fromStdString(runs.at(group.front())->report_path)).completeBaseName();
  const bool namedByFile = groups.size() > 1 && QSet<QString>(stems.begin(), stems.end()).size() == stems.size();
  QStringList labels;
  for (int g = 0; g < groups.size(); ++g) {
    const auto& group = groups.at(g);
    const auto& first = *runs.at(group.front());
    if (namedByFile) {
      QString label = stems.at(g);
      if (group.size() == 1) {
        label += QStringLiteral(" (seed %1)").arg(first.overview.run.seed);
      } else {
        label += QStringLiteral(" (%1 seeds)").arg(group.size());
      }
      labels << label;
      continue;
    }
    if (group.size() == 1 && varying.empty()) {
      labels << QString::fromStdString(first.label());
      continue;
    }
    QString label = QString::fromStdString(first.overview.run.scenario_name);
    QStringList settings;
    const auto parameters = parametersWithoutSeed(first);
    for (const std::string& key : varying) {
      const auto it = parameters.find(key);
      QString name = QString::fromStdString(key);
      if (name.size() > 28) name = name.section(QLatin1Char('.'), -2);
      settings << QStringLiteral("%1=%2").arg(name, it == parameters.end() ? QStringLiteral("(unset)")
                                                                          : QString::fromStdString(it->second));
    }
    // At most three settings, so that headers and legends stay readable.
    if (settings.size() > 3) settings = settings.mid(0, 3) << QStringLiteral("…");
    if (!settings.isEmpty()) label += QStringLiteral(" ") + settings.join(QStringLiteral(", "));
    if (group.size() == 1) {
      label += QStringLiteral(" (seed %1)").arg(first.overview.run.seed);
    } else {
      QStringList seeds;
      for (int index : group) seeds << QString::number(runs.at(index)->overview.run.seed);
      label += QStringLiteral(" (%1 seeds: %2)").arg(group.size()).arg(seeds.join(QStringLiteral(", ")));
    }
    labels << label;
  }
  // Still ambiguous (same scenario and parameters in two files): add the file names.
  for (int i = 0; i < labels.size(); ++i)
    if (labels.count(labels.at(i)) > 1)
      labels[i] += QStringLiteral(" · ") +
                   QFileInfo(QString::fromStdString(runs.at(groups.at(i).front())->report_path)).fileName();
  return labels;
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
  m_table->resizeColumnsToContents();
  // Long labels are elided in the header (the legend above shows them whole).
  for (int column = 0; column < m_model->columnCount(); ++column)
    m_table->setColumnWidth(column, std::min(m_table->columnWidth(column), 320));
}

bool CompareView::exportTableCsv(const QString& path) { return CsvExport::writeFile(*m_model, path); }

}  // namespace leptonsim::gui
