#pragma once
// The reference set V itself (a tab of the main window): for each reference problem of the shown run, how many pool
// samples' steps lower its loss (help) and raise it (hurt), and the mean ΔL, sortable, with a line
// that says whether V is balanced. The method's weak point is its dependence on V: a reference
// problem that almost every sample hurts, or a group that only a few samples help, shows here.
// Double-click a row to open that reference problem.
#include "core/ost/Attribution.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace ost::ui {

class ProjectSession;
class ReferenceDialog;
class SampleTableModel;

class ReferenceBalanceModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { ColReference, ColGroup, ColHelped, ColHurt, ColHurtShare, ColMean, ColQuestion, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    // `questions`: reference id -> its question, one line (empty until the references are read).
    void setSummary(std::optional<ReferenceSetSummary> summary, QHash<QString, QString> questions = {});
    const std::optional<ReferenceSetSummary> &summary() const { return m_summary; }
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::optional<ReferenceSetSummary> m_summary;
    QHash<QString, QString> m_questions;
};

class ReferenceSetPanel : public QWidget {
    Q_OBJECT
public:
    explicit ReferenceSetPanel(SampleTableModel *samples, QWidget *parent = nullptr);
    QTableView *table() const { return m_table; }
    ReferenceBalanceModel *balanceModel() const { return m_model; }
    QLabel *summaryLabel() const { return m_summaryText; }
    QComboBox *groupBy() const { return m_groupBy; }
    ReferenceDialog *referenceDialog() const { return m_dialog; }
    void openReference(int proxyRow);

protected:
    void showEvent(QShowEvent *e) override;

private:
    ProjectSession *session() const;
    void connectSession();
    void refresh();

    SampleTableModel *m_samples;
    ProjectSession *m_connected = nullptr;
    QLabel *m_summaryText;
    QComboBox *m_groupBy;
    QTableView *m_table;
    ReferenceBalanceModel *m_model;
    QSortFilterProxyModel *m_proxy;
    ReferenceDialog *m_dialog = nullptr;
};

} // namespace ost::ui
