/* outfile.c -- a named output that a failed run takes back (see outfile.h). */
#include "vmsim/outfile.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *outfile_open(struct outfile *o, const char *path)
{
    *o = (struct outfile){.path = path};
    struct stat link, sb;
    if (!(o->f = fopen(path, "w")))
        return NULL;
    if (fstat(fileno(o->f), &sb) == 0 && S_ISREG(sb.st_mode)) {
        o->regular = true;
        o->dev = sb.st_dev;
        o->ino = sb.st_ino;
        /* the path, not what it leads to: a link is never removed */
        o->direct = lstat(path, &link) == 0 && S_ISREG(link.st_mode) && link.st_dev == sb.st_dev &&
                    link.st_ino == sb.st_ino;
    }
    return o->f;
}

/* same_file: the path still names the file that was opened */
static bool same_file(const struct outfile *o, bool through_links)
{
    struct stat sb;
    int r = through_links ? stat(o->path, &sb) : lstat(o->path, &sb);
    return r == 0 && S_ISREG(sb.st_mode) && sb.st_dev == o->dev && sb.st_ino == o->ino;
}

int outfile_close(struct outfile *o, bool discard)
{
    if (!o->f)
        return 0;
    int e = 0;
    /* everything the stream holds goes out first, so that nothing is
     * written after the file is emptied */
    errno = 0;
    if (fflush(o->f) || ferror(o->f))
        e = errno ? errno : EIO;
    if (discard || e) {
        if (o->regular)
            (void)ftruncate(fileno(o->f), 0);
        (void)fclose(o->f);
    } else if (fclose(o->f)) {
        e = errno ? errno : EIO;
    }
    /* a write that failed may have left bytes to go out at the close */
    if ((discard || e) && o->regular && same_file(o, true))
        (void)truncate(o->path, 0);
    o->f = NULL;
    if ((discard || e) && o->direct && same_file(o, false))
        unlink(o->path);
    return discard ? 0 : e;
}
