// Opening a project store made of arbitrary bytes (most are no SQLite file; seeds are real stores
// that the fuzzer damages): open() must refuse or the reads must work, and a read that met an
// SQLite error must show in health(). Never a crash.
#include "FuzzFile.h"

#include "core/store/ProjectStore.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string path = fuzz::writeInput(data, size, "p.ostproj");
    for (const char *suffix : {"-wal", "-shm", "-journal"})
        fuzz::removeFile(path + suffix);
    {
        auto store = ost::ProjectStore::open(path);
        if (!store.ok()) {
            fuzz::checkMessage(store.error().message);
            return 0;
        }
        for (const ost::RunInfo &r : (*store)->runs()) {
            (void)(*store)->scoreMap(r.id, "ost");
            (void)(*store)->methods(r.id);
        }
        (void)(*store)->decisions();
        (void)(*store)->decisionLog();
        (void)(*store)->allTags();
        if (ost::Status h = (*store)->health(); !h.ok())
            fuzz::checkMessage(h.error().message);
    }
    return 0;
}
