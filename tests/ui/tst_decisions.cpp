// Decisions through the session's undo stack: decide, undo, redo, bulk steps, and the history
// rebuilt from the store's log after a restart.
#include "UiTestData.h"

#include "ui/session/DatasetOpener.h"
#include "ui/session/ProjectSession.h"

#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

using namespace ost;
using namespace ost::ui;

class TestDecisions : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_path;

    std::unique_ptr<ProjectSession> openSession()
    {
        OpenedProject p = openProject(m_path);
        if (!p.error.isEmpty())
            return nullptr;
        return std::make_unique<ProjectSession>(p.dataset, p.store, p.scores);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_path = uitest::writeDataset(m_dir.path(), 8);
        QVERIFY(!m_path.isEmpty());
    }

    void decideUndoRedo()
    {
        auto s = openSession();
        QVERIFY(s);
        QCOMPARE(s->undoStack()->count(), 0);
        QSignalSpy changed(s.get(), &ProjectSession::decisionsChanged);

        QVERIFY(s->decide({1}, Decision::Drop, QStringLiteral("looks wrong")));
        QCOMPARE(s->decision(1), Decision::Drop);
        QCOMPARE(s->store().decision("s1"), Decision::Drop);
        QCOMPARE(changed.count(), 1);

        QVERIFY(s->decide({1, 2, 3}, Decision::Keep)); // one bulk step
        QCOMPARE(s->undoStack()->count(), 2);
        QCOMPARE(s->decision(1), Decision::Keep);
        QCOMPARE(s->store().decision("s3"), Decision::Keep);

        s->undoStack()->undo(); // the whole bulk step goes
        QCOMPARE(s->decision(1), Decision::Drop);
        QCOMPARE(s->decision(2), Decision::Auto);
        QCOMPARE(s->store().decision("s3"), Decision::Auto);

        s->undoStack()->redo();
        QCOMPARE(s->decision(2), Decision::Keep);
        QCOMPARE(s->store().decision("s2"), Decision::Keep);

        s->undoStack()->undo();
        s->undoStack()->undo();
        QCOMPARE(s->decision(1), Decision::Auto);
        QCOMPARE(s->store().decision("s1"), Decision::Auto);
        QVERIFY(s->store().decisions().empty());

        s->undoStack()->redo(); // s1 dropped again; the bulk keep stays on the redo side
        QCOMPARE(s->store().decision("s1"), Decision::Drop);
    }

    void historySurvivesRestart()
    {
        // State left by the previous test: batch 1 (drop s1) applied, batch 2 (keep s1..s3) undone.
        auto s = openSession();
        QVERIFY(s);
        QCOMPARE(s->decision(1), Decision::Drop);
        QCOMPARE(s->undoStack()->count(), 2);
        QVERIFY(s->undoStack()->canUndo());
        QVERIFY(s->undoStack()->canRedo());
        QCOMPARE(s->undoStack()->redoText(), QStringLiteral("Keep 3 samples"));

        s->undoStack()->redo();
        QCOMPARE(s->decision(3), Decision::Keep);
        QCOMPARE(s->store().decision("s3"), Decision::Keep);
        s->undoStack()->undo();
        s->undoStack()->undo();
        QCOMPARE(s->store().decision("s1"), Decision::Auto);
        QVERIFY(!s->undoStack()->canUndo());

        // a new decision after undoing drops the redo side, as in any editor
        QVERIFY(s->decide({5}, Decision::Drop));
        QVERIFY(!s->undoStack()->canRedo());
        s.reset();
        auto again = openSession();
        QVERIFY(again);
        QCOMPARE(again->decision(5), Decision::Drop);
        QVERIFY(!again->undoStack()->canRedo());
        again->undoStack()->undo();
        QCOMPARE(again->store().decision("s5"), Decision::Auto);
    }

    void notesAndTags()
    {
        auto s = openSession();
        QVERIFY(s);
        QVERIFY(s->setNote(2, QStringLiteral("answer skips a step")));
        QVERIFY(s->setTags(2, {QStringLiteral("cot"), QStringLiteral("ocr")}));
        QVERIFY(s->setTags(2, {QStringLiteral("ocr")}));
        s.reset();
        auto again = openSession();
        QCOMPARE(again->note(2), QStringLiteral("answer skips a step"));
        QCOMPARE(again->tags(2), QStringList{QStringLiteral("ocr")});
        QCOMPARE(again->allTagNames(), QStringList{QStringLiteral("ocr")});
    }
};

QTEST_MAIN(TestDecisions)
#include "tst_decisions.moc"
