#include <QApplication>
#include <QTest>

#include "gui_tests.hpp"

int main(int argc, char** argv) {
    // No display needed: ctest also sets QT_QPA_PLATFORM=offscreen.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    int failed = 0;
    {
        arina::gui::ModelTest t;
        failed += QTest::qExec(&t, argc, argv);
    }
    {
        arina::gui::WindowTest t;
        failed += QTest::qExec(&t, argc, argv);
    }
    {
        arina::gui::DesktopTest t;
        failed += QTest::qExec(&t, argc, argv);
    }
    {
        arina::gui::PickerTest t;
        failed += QTest::qExec(&t, argc, argv);
    }
    {
        arina::gui::ActionsTest t;
        failed += QTest::qExec(&t, argc, argv);
    }
    {
        arina::gui::LiveTest t;
        failed += QTest::qExec(&t, argc, argv);
    }
    return failed == 0 ? 0 : 1;
}
