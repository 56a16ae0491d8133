#include "core/RunManager.hpp"

#include "core/ProgressLineParser.hpp"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>

namespace leptonsim::gui {

namespace {

constexpr int kStderrTailLines = 50;
constexpr int kKillAfterTerminateMs = 2000;
constexpr int kProgressNotifyIntervalMs = 100;
constexpr int kMaxStemLength = 60;
constexpr quint64 kDefaultScenarioSeed = 1;  // ScenarioSpec::seed when the file has none

struct ScenarioFacts {
  QString name;
  std::optional<quint64> seed;
};

// Name and seed for the run list. The simulator validates the file properly;
// here a broken file just yields no facts.
ScenarioFacts readScenarioFacts(const QString& yamlText) {
  ScenarioFacts facts;
  try {
    const YAML::Node root = YAML::Load(yamlText.toStdString());
    if (!root.IsMap()) return facts;
    if (const YAML::Node name = root["name"]; name && name.IsScalar())
      facts.name = QString::fromStdString(name.Scalar());
    if (const YAML::Node seed = root["seed"]; seed && seed.IsScalar())
      facts.seed = static_cast<quint64>(seed.as<std::uint64_t>());
  } catch (const YAML::Exception&) {
  }
  return facts;
}

QString readTextFile(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) return {};
  return QString::fromUtf8(file.readAll());
}

// The seed the simulator will use: the file's, then `--set seed=`, then `--seed`.
quint64 effectiveSeed(const ScenarioFacts& facts, const QStringList& overrides, std::optional<quint64> seedOption) {
  quint64 seed = facts.seed.value_or(kDefaultScenarioSeed);
  for (const QString& override : overrides) {
    const qsizetype equals = override.indexOf(u'=');
    if (equals < 0 || override.left(equals).trimmed() != QLatin1String("seed")) continue;
    bool ok = false;
    const quint64 value = override.mid(equals + 1).trimmed().toULongLong(&ok);
    if (ok) seed = value;
  }
  return seedOption.value_or(seed);
}

bool writeTextFile(const QString& path, const QString& text, QString* error) {
  QSaveFile file(path);
  if (file.open(QIODevice::WriteOnly) && file.write(text.toUtf8()) >= 0 && file.commit()) return true;
  if (error) *error = RunManager::tr("Cannot write the scenario to %1: %2").arg(path, file.errorString());
  return false;
}

QString fileNameStem(const QString& label) {
  static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
  QString stem = label;
  stem.replace(unsafe, QStringLiteral("_"));
  stem = stem.left(kMaxStemLength);
  return stem.isEmpty() ? QStringLiteral("run") : stem;
}

QString defaultRunsDirectory() {
  const QString session = QStringLiteral("%1-%2").arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")))
                              .arg(QCoreApplication::applicationPid());
  const QString appData = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  if (!appData.isEmpty()) {
    const QString directory = QDir(appData).filePath(QStringLiteral("runs/") + session);
    if (QDir().mkpath(directory)) return directory;
  }
  return QDir(QDir::tempPath()).filePath(QStringLiteral("leptonsim-gui-runs/") + session);
}

}  // namespace

struct RunManager::Run {
  RunJob job;
  std::optional<quint64> seedOption;
  QProcess* process = nullptr;
  qint64 lastProcessId = 0;  // kept after exit to find the simulator's temporary report
  bool reportExistedBefore = false;
  bool ownsScenarioCopy = false;  // a temporary copy of edited text beside the user's file
  QByteArray stderrBuffer;
  QStringList tail;
};

RunManager::RunManager(QString simulatorPath, QObject* parent)
    : QObject(parent), simulatorPath_(std::move(simulatorPath)), maxParallel_(qMax(1, QThread::idealThreadCount())) {
  changeTimer_ = new QTimer(this);
  changeTimer_->setSingleShot(true);
  changeTimer_->setInterval(kProgressNotifyIntervalMs);
  connect(changeTimer_, &QTimer::timeout, this, &RunManager::flushChangeNotifications);
}

RunManager::~RunManager() {
  changeTimer_->stop();
  for (auto& [id, run] : runs_) {
    if (!run->process) continue;
    run->process->disconnect(this);
    run->process->kill();
    run->process->waitForFinished(kKillAfterTerminateMs);
    // The simulator writes to "<report>.tmp-<pid>" and renames at the very end,
    // so a killed run leaves at most that temporary file.
    removeLeftovers(*run, false);
  }
  for (auto& [id, run] : runs_) removeScenarioCopy(*run);
}

QString RunManager::defaultSimulatorPath() {
  const QString besideUs = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("leptonsim"));
  if (QFileInfo(besideUs).isExecutable()) return besideUs;
  const QString fromEnvironment = qEnvironmentVariable("LEPTONSIM_BINARY");
  if (!fromEnvironment.isEmpty()) return fromEnvironment;
  const QString onPath = QStandardPaths::findExecutable(QStringLiteral("leptonsim"));
  return onPath.isEmpty() ? QStringLiteral("leptonsim") : onPath;
}

void RunManager::setRunsDirectory(QString directory) { runsDirectory_ = std::move(directory); }

void RunManager::setMaxParallel(int count) {
  count = qMax(1, count);
  if (count == maxParallel_) return;
  maxParallel_ = count;
  Q_EMIT maxParallelChanged(count);
  startQueuedRuns();
}

int RunManager::startRun(const RunRequest& request) {
  const int id = nextId_++;
  auto owned = std::make_unique<Run>();
  Run& run = *owned;
  run.job.id = id;
  run.job.overrides = request.overrides;
  run.seedOption = request.seed;

  const bool fromText = !request.scenarioText.isEmpty();
  const ScenarioFacts facts = readScenarioFacts(fromText ? request.scenarioText : readTextFile(request.scenarioPath));
  run.job.seed = effectiveSeed(facts, request.overrides, request.seed);
  const QString fileStem = QFileInfo(request.scenarioPath).completeBaseName();
  run.job.label = !request.label.isEmpty() ? request.label
                  : !facts.name.isEmpty()  ? facts.name
                  : !fileStem.isEmpty()    ? fileStem
                                           : QStringLiteral("scenario");
  const QString stem = fileNameStem(run.job.label);

  QString problem;
  if (!fromText && request.scenarioPath.isEmpty()) problem = tr("No scenario file or text was given.");
  if (problem.isEmpty() && request.reportPath.isEmpty()) ensureRunsDirectory(&problem);

  if (!request.scenarioPath.isEmpty()) run.job.sourcePath = QFileInfo(request.scenarioPath).absoluteFilePath();
  if (problem.isEmpty() && fromText) {
    // Unsaved editor text: the simulator reads files, so give it one. Beside
    // the original first, because trace paths are relative to the scenario's folder.
    QString copyError;
    if (!run.job.sourcePath.isEmpty()) {
      const QFileInfo source(run.job.sourcePath);
      const QString besideSource = source.absoluteDir().filePath(QStringLiteral(".%1.leptonsim-gui-%2-%3.yaml")
                                                                     .arg(source.completeBaseName())
                                                                     .arg(QCoreApplication::applicationPid())
                                                                     .arg(id));
      if (writeTextFile(besideSource, request.scenarioText, &copyError)) {
        run.job.scenarioPath = besideSource;
        run.ownsScenarioCopy = true;
      }
    }
    if (run.job.scenarioPath.isEmpty() && ensureRunsDirectory(&copyError)) {
      const QString inRunsDirectory = QDir(runsDirectory_).filePath(QStringLiteral("%1-%2.yaml").arg(stem).arg(id));
      if (writeTextFile(inRunsDirectory, request.scenarioText, &copyError)) run.job.scenarioPath = inRunsDirectory;
    }
    if (run.job.scenarioPath.isEmpty()) problem = copyError;
  } else if (!fromText) {
    run.job.scenarioPath = run.job.sourcePath;
  }

  if (!request.reportPath.isEmpty())
    run.job.reportPath = QFileInfo(request.reportPath).absoluteFilePath();
  else if (problem.isEmpty())
    run.job.reportPath = uniqueReportPath(stem, id);

  runs_.emplace(id, std::move(owned));
  order_.append(id);
  Q_EMIT runAdded(id);

  if (!problem.isEmpty()) {
    appendTail(run, problem);
    endRun(run, RunJob::failed);
    return id;
  }
  queue_.append(id);
  startQueuedRuns();
  return id;
}

void RunManager::cancel(int id) {
  Run* run = findRun(id);
  if (!run) return;
  if (run->job.status == RunJob::queued) {
    queue_.removeAll(id);
    endRun(*run, RunJob::cancelled);
    return;
  }
  if (run->job.status != RunJob::running || run->job.cancelRequested || !run->process) return;
  run->job.cancelRequested = true;
  QProcess* process = run->process;
  process->terminate();
  // The timer belongs to the process, so it dies with it when the run ends first.
  QTimer::singleShot(kKillAfterTerminateMs, process, [process] { process->kill(); });
  notifyChangedNow(id);
}

void RunManager::cancelAll() {
  // Queued runs first, so that cancelling a running one does not start them.
  const QList<int> queued = queue_;
  for (int id : queued) cancel(id);
  for (int id : order_) cancel(id);
}

const RunJob* RunManager::job(int id) const {
  const auto found = runs_.find(id);
  return found == runs_.end() ? nullptr : &found->second->job;
}

QList<int> RunManager::jobIds() const { return order_; }

int RunManager::runningCount() const {
  int count = 0;
  for (const auto& [id, run] : runs_) count += run->job.status == RunJob::running ? 1 : 0;
  return count;
}

int RunManager::queuedCount() const { return static_cast<int>(queue_.size()); }

void RunManager::startQueuedRuns() {
  // Re-checks the counts every time: launch() may end a run synchronously.
  while (!queue_.isEmpty() && runningCount() < maxParallel_) {
    Run* run = findRun(queue_.takeFirst());
    if (run && run->job.status == RunJob::queued) launch(*run);
  }
}

void RunManager::launch(Run& run) {
  const int id = run.job.id;
  QStringList arguments{QStringLiteral("run"), run.job.scenarioPath, QStringLiteral("-o"), run.job.reportPath};
  if (run.seedOption) arguments << QStringLiteral("--seed") << QString::number(*run.seedOption);
  for (const QString& override : run.job.overrides) arguments << QStringLiteral("--set") << override;
  arguments << QStringLiteral("--progress=json") << QStringLiteral("-q");

  run.reportExistedBefore = QFileInfo::exists(run.job.reportPath);
  auto* process = new QProcess(this);
  run.process = process;
  process->setProgram(simulatorPath_);
  process->setArguments(arguments);
  process->setStandardOutputFile(QProcess::nullDevice());
  connect(process, &QProcess::readyReadStandardError, this, [this, id] {
    if (Run* found = findRun(id)) readStandardError(*found, false);
  });
  connect(process, &QProcess::started, this, [this, id, process] {
    if (Run* found = findRun(id)) {
      found->job.processId = found->lastProcessId = process->processId();
      notifyChangedNow(id);
    }
  });
  connect(process, &QProcess::finished, this, [this, id](int exitCode, QProcess::ExitStatus exitStatus) {
    onProcessFinished(id, exitCode, exitStatus == QProcess::CrashExit);
  });
  connect(process, &QProcess::errorOccurred, this, [this, id](QProcess::ProcessError error) {
    if (error == QProcess::FailedToStart) onProcessFailedToStart(id);
  });

  run.job.status = RunJob::running;
  run.job.clock.start();
  notifyChangedNow(id);
  process->start();
}

void RunManager::readStandardError(Run& run, bool flushPartialLine) {
  if (!run.process) return;
  run.stderrBuffer += run.process->readAllStandardError();
  qsizetype lineStart = 0;
  for (qsizetype newline = run.stderrBuffer.indexOf('\n'); newline >= 0;
       newline = run.stderrBuffer.indexOf('\n', lineStart)) {
    handleLine(run, run.stderrBuffer.mid(lineStart, newline - lineStart));
    lineStart = newline + 1;
  }
  run.stderrBuffer.remove(0, lineStart);
  if (flushPartialLine && !run.stderrBuffer.isEmpty()) {
    handleLine(run, run.stderrBuffer);
    run.stderrBuffer.clear();
  }
}

void RunManager::handleLine(Run& run, const QByteArray& rawLine) {
  const ProgressLineParser::Line line = ProgressLineParser::parse(rawLine);
  switch (line.kind) {
    case ProgressLineParser::Line::Kind::progress:
      run.job.fraction = qBound(0.0, line.fraction, 1.0);
      run.job.simTime = line.simTime;
      break;
    case ProgressLineParser::Line::Kind::done:
      run.job.fraction = 1.0;
      break;
    case ProgressLineParser::Line::Kind::text: {
      if (line.text.trimmed().isEmpty()) return;
      QString text = line.text;
      // Name the file the user edits, not our temporary copy of it.
      if (!run.job.sourcePath.isEmpty() && run.job.scenarioPath != run.job.sourcePath)
        text.replace(run.job.scenarioPath, run.job.sourcePath);
      appendTail(run, text);
      if (ProgressLineParser::isValidationIssue(text)) run.job.issues.append(text);
      break;
    }
  }
  run.job.wallSeconds = run.job.currentWallSeconds();
  notifyChangedSoon(run.job.id);
}

void RunManager::onProcessFinished(int id, int exitCode, bool crashed) {
  Run* found = findRun(id);
  if (!found || !found->process) return;
  Run& run = *found;
  readStandardError(run, true);
  run.job.exitCode = crashed ? -1 : exitCode;

  if (run.job.cancelRequested) {
    removeLeftovers(run, true);
    endRun(run, RunJob::cancelled);
    return;
  }
  if (crashed) {
    removeLeftovers(run, false);
    appendTail(run, tr("The simulator stopped abnormally (%1).").arg(run.process->errorString()));
    endRun(run, RunJob::failed);
    return;
  }
  if (exitCode == 0 && QFileInfo::exists(run.job.reportPath)) {
    run.job.fraction = 1.0;
    endRun(run, RunJob::finished);
    return;
  }
  if (exitCode == 0) appendTail(run, tr("The simulator exited without writing %1.").arg(run.job.reportPath));
  if (exitCode == 2 && run.job.issues.isEmpty()) {
    // Bad input without positions (e.g. an option error): every message is an issue.
    for (const QString& line : std::as_const(run.tail))
      if (!line.contains(QLatin1String("nothing was run"))) run.job.issues.append(line);
  }
  endRun(run, RunJob::failed);
}

void RunManager::onProcessFailedToStart(int id) {
  Run* run = findRun(id);
  if (!run || !run->process || run->job.status != RunJob::running) return;
  appendTail(*run, tr("Cannot start the simulator %1: %2").arg(simulatorPath_, run->process->errorString()));
  endRun(*run, run->job.cancelRequested ? RunJob::cancelled : RunJob::failed);
}

void RunManager::endRun(Run& run, RunJob::Status status) {
  if (run.job.status == RunJob::running) run.job.wallSeconds = run.job.currentWallSeconds();
  run.job.status = status;
  run.job.processId = 0;
  removeScenarioCopy(run);
  if (run.process) {
    run.process->disconnect(this);
    run.process->deleteLater();
    run.process = nullptr;
  }
  notifyChangedNow(run.job.id);
  Q_EMIT runFinished(run.job.id, status == RunJob::finished);
  startQueuedRuns();
}

void RunManager::removeLeftovers(const Run& run, bool removeReport) const {
  if (run.job.reportPath.isEmpty()) return;
  if (run.lastProcessId > 0) QFile::remove(QStringLiteral("%1.tmp-%2").arg(run.job.reportPath).arg(run.lastProcessId));
  if (removeReport && !run.reportExistedBefore) QFile::remove(run.job.reportPath);
}

void RunManager::removeScenarioCopy(Run& run) const {
  if (!run.ownsScenarioCopy) return;
  QFile::remove(run.job.scenarioPath);
  run.ownsScenarioCopy = false;
}

void RunManager::appendTail(Run& run, const QString& line) {
  run.tail.append(line);
  while (run.tail.size() > kStderrTailLines) run.tail.removeFirst();
  run.job.stderrTail = run.tail.join(u'\n');
}

void RunManager::notifyChangedNow(int id) {
  pendingChanges_.erase(id);
  Q_EMIT runChanged(id);
}

void RunManager::notifyChangedSoon(int id) {
  pendingChanges_.insert(id);
  if (!changeTimer_->isActive()) changeTimer_->start();
}

void RunManager::flushChangeNotifications() {
  const std::set<int> ids = std::move(pendingChanges_);
  pendingChanges_.clear();
  for (int id : ids) Q_EMIT runChanged(id);
}

bool RunManager::ensureRunsDirectory(QString* error) {
  if (runsDirectory_.isEmpty()) runsDirectory_ = defaultRunsDirectory();
  if (QDir().mkpath(runsDirectory_)) return true;
  if (error) *error = tr("Cannot create the runs folder %1.").arg(runsDirectory_);
  return false;
}

QString RunManager::uniqueReportPath(const QString& stem, int id) const {
  const QDir directory(runsDirectory_);
  QString path = directory.filePath(QStringLiteral("%1-%2.db").arg(stem).arg(id));
  // Another session may share a folder chosen by the user: never overwrite its reports.
  for (int attempt = 2; QFileInfo::exists(path); ++attempt)
    path = directory.filePath(QStringLiteral("%1-%2-%3.db").arg(stem).arg(id).arg(attempt));
  return path;
}

RunManager::Run* RunManager::findRun(int id) {
  const auto found = runs_.find(id);
  return found == runs_.end() ? nullptr : found->second.get();
}

}  // namespace leptonsim::gui
