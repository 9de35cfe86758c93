/* test-journal.c — the journal parser, priorities, the journalctl argv and the reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The LINE_* fixtures are real `journalctl -o json` output of systemd 252 (Debian 12),
 * captured from a journald in a private mount namespace, fed by systemd-cat, by the
 * journal's native protocol and by processes placed in unit cgroups.
 */
#define G_LOG_DOMAIN "Tend"

#include <string.h>
#include <time.h>

#include "tend-error.h"
#include "tend-journal.h"

#define TEST_DEADLINE_MSEC 10000
#include "test-util.h"

/* Fixtures */

/* a service's stderr, with PRIORITY set by systemd-cat -p err */
#define LINE_STDOUT \
  "{\"_TRANSPORT\":\"stdout\",\"PRIORITY\":\"3\",\"_PID\":\"4839\",\"_SYSTEMD_UNIT\":\"tend-d" \
  "emo.service\",\"__REALTIME_TIMESTAMP\":\"1795304368469557\",\"_UID\":\"0\",\"_MACHINE_ID\"" \
  ":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"MESSAGE\":\"connection refused: 127.0.0.1:6379\"," \
  "\"_RUNTIME_SCOPE\":\"system\",\"_EXE\":\"/usr/bin/printf\",\"_SYSTEMD_CGROUP\":\"/tendjexp" \
  ".slice/tend-demo.service\",\"_COMM\":\"printf\",\"SYSLOG_IDENTIFIER\":\"tend-demo\",\"_BOO" \
  "T_ID\":\"c5ac496e3dc046b4a2e6f70875b640e6\",\"__CURSOR\":\"s=4f00fe52408b43749ed1b79311f90" \
  "745;i=161;b=c5ac496e3dc046b4a2e6f70875b640e6;m=336029c6;t=660d1df257635;x=cbda7a51505f98a3" \
  "\",\"__MONOTONIC_TIMESTAMP\":\"861940166\",\"_HOSTNAME\":\"vm\",\"_CMDLINE\":\"printf \\\"" \
  "connection refused: 127.0.0.1:6379\\\\\\\\n\\\"\",\"_SYSTEMD_SLICE\":\"tendjexp.slice\",\"" \
  "_STREAM_ID\":\"48725beee403405883f918c487260f6c\",\"_GID\":\"0\",\"_CAP_EFFECTIVE\":\"1fff" \
  "effffff\"}"

/* MESSAGE that is not UTF-8 (bytes ff fe), written as an array of bytes */
#define LINE_BINARY \
  "{\"__REALTIME_TIMESTAMP\":\"1795304368478309\",\"_STREAM_ID\":\"99cefa2ecee44ddcb017a6378a" \
  "44790b\",\"__CURSOR\":\"s=4f00fe52408b43749ed1b79311f90745;i=162;b=c5ac496e3dc046b4a2e6f70" \
  "875b640e6;m=33604bf5;t=660d1df259865;x=9ff6a5a3f7743768\",\"PRIORITY\":\"4\",\"_RUNTIME_SC" \
  "OPE\":\"system\",\"_SYSTEMD_CGROUP\":\"/tendjexp.slice/tend-demo.service\",\"_SYSTEMD_SLIC" \
  "E\":\"tendjexp.slice\",\"_SYSTEMD_UNIT\":\"tend-demo.service\",\"_UID\":\"0\",\"_MACHINE_I" \
  "D\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"MESSAGE\":[98,97,100,32,98,121,116,101,115,58,3" \
  "2,255,254,32,101,110,100],\"_GID\":\"0\",\"_PID\":\"4842\",\"_CMDLINE\":\"/bin/cat\",\"_HO" \
  "STNAME\":\"vm\",\"_TRANSPORT\":\"stdout\",\"__MONOTONIC_TIMESTAMP\":\"861948917\",\"_BOOT_" \
  "ID\":\"c5ac496e3dc046b4a2e6f70875b640e6\",\"_CAP_EFFECTIVE\":\"1fffeffffff\",\"SYSLOG_IDEN" \
  "TIFIER\":\"tend-demo\",\"_EXE\":\"/usr/bin/cat\",\"_COMM\":\"cat\"}"

/* MESSAGE with invalid bytes and a NUL byte */
#define LINE_NUL \
  "{\"_PID\":\"4928\",\"PRIORITY\":\"6\",\"_RUNTIME_SCOPE\":\"system\",\"_SYSTEMD_CGROUP\":\"" \
  "/tendjexp.slice/tend-demo.service\",\"_SYSTEMD_SLICE\":\"tendjexp.slice\",\"_CMDLINE\":\"/" \
  "root/.pyenv/versions/3.11.7/bin/python3 /tmp/jexp/jsend.py \\\"MESSAGE=\\\\\\\\xff\\\\\\\\" \
  "xfe\\\\\\\\x00binary\\\" PRIORITY=6 SYSLOG_IDENTIFIER=tend-demo\",\"_GID\":\"0\",\"__MONOT" \
  "ONIC_TIMESTAMP\":\"862351538\",\"_COMM\":\"python3\",\"_HOSTNAME\":\"vm\",\"_SYSTEMD_UNIT" \
  "\":\"tend-demo.service\",\"__REALTIME_TIMESTAMP\":\"1795304368880929\",\"_TRANSPORT\":\"jo" \
  "urnal\",\"_UID\":\"0\",\"_CAP_EFFECTIVE\":\"1fffeffffff\",\"SYSLOG_IDENTIFIER\":\"tend-dem" \
  "o\",\"_BOOT_ID\":\"c5ac496e3dc046b4a2e6f70875b640e6\",\"_MACHINE_ID\":\"3d1219c7c4c5404aaa" \
  "1f6d2a48adfda4\",\"_EXE\":\"/root/.pyenv/versions/3.11.7/bin/python3.11\",\"MESSAGE\":[255" \
  ",254,0,98,105,110,97,114,121],\"_SOURCE_REALTIME_TIMESTAMP\":\"1795304368880856\",\"__CURS" \
  "OR\":\"s=4f00fe52408b43749ed1b79311f90745;i=166;b=c5ac496e3dc046b4a2e6f70875b640e6;m=33667" \
  "0b2;t=660d1df2bbd21;x=e1ad45898b87ef70\"}"

/* no SYSLOG_IDENTIFIER: the identifier is _COMM */
#define LINE_NO_IDENTIFIER \
  "{\"_PID\":\"4887\",\"_CMDLINE\":\"/root/.pyenv/versions/3.11.7/bin/python3 /tmp/jexp/jsend" \
  ".py \\\"MESSAGE=no identifier here\\\" PRIORITY=5\",\"_CAP_EFFECTIVE\":\"1fffeffffff\",\"_" \
  "_MONOTONIC_TIMESTAMP\":\"862226738\",\"_HOSTNAME\":\"vm\",\"_TRANSPORT\":\"journal\",\"_BO" \
  "OT_ID\":\"c5ac496e3dc046b4a2e6f70875b640e6\",\"_GID\":\"0\",\"_COMM\":\"python3\",\"PRIORI" \
  "TY\":\"5\",\"_UID\":\"0\",\"_SYSTEMD_UNIT\":\"tend-demo.service\",\"_SOURCE_REALTIME_TIMES" \
  "TAMP\":\"1795304368756054\",\"_RUNTIME_SCOPE\":\"system\",\"_SYSTEMD_SLICE\":\"tendjexp.sl" \
  "ice\",\"_EXE\":\"/root/.pyenv/versions/3.11.7/bin/python3.11\",\"__REALTIME_TIMESTAMP\":\"" \
  "1795304368756129\",\"__CURSOR\":\"s=4f00fe52408b43749ed1b79311f90745;i=165;b=c5ac496e3dc04" \
  "6b4a2e6f70875b640e6;m=33648932;t=660d1df29d5a1;x=179f70e162f269ee\",\"_MACHINE_ID\":\"3d12" \
  "19c7c4c5404aaa1f6d2a48adfda4\",\"_SYSTEMD_CGROUP\":\"/tendjexp.slice/tend-demo.service\"," \
  "\"MESSAGE\":\"no identifier here\"}"

/* no MESSAGE and no PRIORITY at all */
#define LINE_NO_MESSAGE \
  "{\"_COMM\":\"python3\",\"_PID\":\"4969\",\"_CAP_EFFECTIVE\":\"1fffeffffff\",\"_GID\":\"0\"" \
  ",\"_SOURCE_REALTIME_TIMESTAMP\":\"1795304369020002\",\"NOTMESSAGE\":\"there is no MESSAGE" \
  "\",\"_MACHINE_ID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"__REALTIME_TIMESTAMP\":\"1795304" \
  "369020074\",\"_SYSTEMD_CGROUP\":\"/tendjexp.slice/tend-demo.service\",\"_CMDLINE\":\"/root" \
  "/.pyenv/versions/3.11.7/bin/python3 /tmp/jexp/jsend.py \\\"NOTMESSAGE=there is no MESSAGE" \
  "\\\" SYSLOG_IDENTIFIER=tend-demo\",\"_EXE\":\"/root/.pyenv/versions/3.11.7/bin/python3.11" \
  "\",\"__MONOTONIC_TIMESTAMP\":\"862490683\",\"_TRANSPORT\":\"journal\",\"_HOSTNAME\":\"vm\"" \
  ",\"SYSLOG_IDENTIFIER\":\"tend-demo\",\"_BOOT_ID\":\"c5ac496e3dc046b4a2e6f70875b640e6\",\"_" \
  "SYSTEMD_SLICE\":\"tendjexp.slice\",\"_SYSTEMD_UNIT\":\"tend-demo.service\",\"_RUNTIME_SCOP" \
  "E\":\"system\",\"_UID\":\"0\",\"__CURSOR\":\"s=4f00fe52408b43749ed1b79311f90745;i=167;b=c5" \
  "ac496e3dc046b4a2e6f70875b640e6;m=3368903b;t=660d1df2ddcaa;x=e1fca17a5cb0de38\"}"

/* a 5000-byte MESSAGE, which journalctl leaves out as null */
#define LINE_NULL_MESSAGE \
  "{\"_MACHINE_ID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"__MONOTONIC_TIMESTAMP\":\"86251566" \
  "9\",\"_UID\":\"0\",\"_LINE_BREAK\":\"eof\",\"_BOOT_ID\":\"c5ac496e3dc046b4a2e6f70875b640e6" \
  "\",\"__CURSOR\":\"s=4f00fe52408b43749ed1b79311f90745;i=168;b=c5ac496e3dc046b4a2e6f70875b64" \
  "0e6;m=3368f1d5;t=660d1df2e3e44;x=75426061e2ed4033\",\"_RUNTIME_SCOPE\":\"system\",\"_PID\"" \
  ":\"5013\",\"_STREAM_ID\":\"ee38e24165284cac8f979d539b954260\",\"SYSLOG_IDENTIFIER\":\"tend" \
  "-demo\",\"_GID\":\"0\",\"PRIORITY\":\"7\",\"MESSAGE\":null,\"__REALTIME_TIMESTAMP\":\"1795" \
  "304369045060\",\"_HOSTNAME\":\"vm\",\"_TRANSPORT\":\"stdout\"}"

/* UTF-8 text; the process exited before journald read its cgroup, so no unit */
#define LINE_UTF8 \
  "{\"SYSLOG_IDENTIFIER\":\"tend-demo\",\"__MONOTONIC_TIMESTAMP\":\"862522219\",\"PRIORITY\":" \
  "\"6\",\"_MACHINE_ID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"MESSAGE\":\"Grüße aus Köln ✓" \
  "\",\"_HOSTNAME\":\"vm\",\"_PID\":\"5016\",\"_UID\":\"0\",\"_BOOT_ID\":\"c5ac496e3dc046b4a2" \
  "e6f70875b640e6\",\"_RUNTIME_SCOPE\":\"system\",\"__REALTIME_TIMESTAMP\":\"1795304369051611" \
  "\",\"__CURSOR\":\"s=4f00fe52408b43749ed1b79311f90745;i=169;b=c5ac496e3dc046b4a2e6f70875b64" \
  "0e6;m=33690b6b;t=660d1df2e57db;x=26de9f80e5f8cfa5\",\"_STREAM_ID\":\"3a64be8938f64371ba677" \
  "5c560595c21\",\"_GID\":\"0\",\"_TRANSPORT\":\"stdout\"}"

/* a user unit on a desktop: _SYSTEMD_UNIT is the user manager, _SYSTEMD_USER_UNIT the unit */
#define LINE_USER_UNIT \
  "{\"__MONOTONIC_TIMESTAMP\":\"862641212\",\"_SOURCE_REALTIME_TIMESTAMP\":\"1795304369170525" \
  "\",\"SYSLOG_IDENTIFIER\":\"systemd\",\"__CURSOR\":\"s=4f00fe52408b43749ed1b79311f90745;i=1" \
  "6b;b=c5ac496e3dc046b4a2e6f70875b640e6;m=336adc3c;t=660d1df3028ac;x=9ccaedf73fb4b299\",\"_S" \
  "YSTEMD_UNIT\":\"user@1000.service\",\"_CMDLINE\":\"/root/.pyenv/versions/3.11.7/bin/python" \
  "3 /tmp/jexp/jsend.py PRIORITY=3 USER_UNIT=tend-user-demo.service SYSLOG_IDENTIFIER=systemd" \
  " \\\"MESSAGE=tend-user-demo.service: Failed with result exit-code.\\\"\",\"_SYSTEMD_CGROUP" \
  "\":\"/tendjexp.slice/user-1000.slice/user@1000.service/app.slice/tend-user-demo.service\"," \
  "\"_SYSTEMD_USER_SLICE\":\"app.slice\",\"_COMM\":\"python3\",\"_EXE\":\"/root/.pyenv/versio" \
  "ns/3.11.7/bin/python3.11\",\"_SYSTEMD_OWNER_UID\":\"1000\",\"_UID\":\"0\",\"_TRANSPORT\":" \
  "\"journal\",\"_MACHINE_ID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"USER_UNIT\":\"tend-user" \
  "-demo.service\",\"_SYSTEMD_SLICE\":\"user-1000.slice\",\"PRIORITY\":\"3\",\"_PID\":\"5020" \
  "\",\"_GID\":\"0\",\"_BOOT_ID\":\"c5ac496e3dc046b4a2e6f70875b640e6\",\"__REALTIME_TIMESTAMP" \
  "\":\"1795304369170604\",\"MESSAGE\":\"tend-user-demo.service: Failed with result exit-code" \
  ".\",\"_HOSTNAME\":\"vm\",\"_RUNTIME_SCOPE\":\"system\",\"_SYSTEMD_USER_UNIT\":\"tend-user-" \
  "demo.service\",\"_CAP_EFFECTIVE\":\"1fffeffffff\"}"

/* the service manager (in init.scope) about a unit: UNIT= */
#define LINE_ABOUT_UNIT \
  "{\"_UID\":\"0\",\"_SYSTEMD_UNIT\":\"init.scope\",\"_GID\":\"0\",\"_TRANSPORT\":\"journal\"" \
  ",\"UNIT\":\"tend-demo.service\",\"_SOURCE_REALTIME_TIMESTAMP\":\"1795304369260724\",\"_EXE" \
  "\":\"/root/.pyenv/versions/3.11.7/bin/python3.11\",\"_PID\":\"5061\",\"__MONOTONIC_TIMESTA" \
  "MP\":\"862731384\",\"_HOSTNAME\":\"vm\",\"PRIORITY\":\"3\",\"_MACHINE_ID\":\"3d1219c7c4c54" \
  "04aaa1f6d2a48adfda4\",\"_RUNTIME_SCOPE\":\"system\",\"_CAP_EFFECTIVE\":\"1fffeffffff\",\"_" \
  "CMDLINE\":\"/root/.pyenv/versions/3.11.7/bin/python3 /tmp/jexp/jsend.py PRIORITY=3 UNIT=te" \
  "nd-demo.service SYSLOG_IDENTIFIER=systemd \\\"MESSAGE=tend-demo.service: Main process exit" \
  "ed, code=exited, status=1/FAILURE\\\"\",\"_SYSTEMD_CGROUP\":\"/init.scope\",\"_SYSTEMD_SLI" \
  "CE\":\"-.slice\",\"_COMM\":\"python3\",\"SYSLOG_IDENTIFIER\":\"systemd\",\"MESSAGE\":\"ten" \
  "d-demo.service: Main process exited, code=exited, status=1/FAILURE\",\"_BOOT_ID\":\"c5ac49" \
  "6e3dc046b4a2e6f70875b640e6\",\"__REALTIME_TIMESTAMP\":\"1795304369260775\",\"__CURSOR\":\"" \
  "s=4f00fe52408b43749ed1b79311f90745;i=16c;b=c5ac496e3dc046b4a2e6f70875b640e6;m=336c3c78;t=6" \
  "60d1df3188e7;x=1094b960084d02c0\"}"

/* a kernel message: no _PID, no unit */
#define LINE_KERNEL \
  "{\"SYSLOG_FACILITY\":\"0\",\"_MACHINE_ID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"_HOSTNAM" \
  "E\":\"vm\",\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"Speculative Store Bypass: Vulnerable\"," \
  "\"__REALTIME_TIMESTAMP\":\"1795304368341736\",\"__MONOTONIC_TIMESTAMP\":\"861812345\",\"PR" \
  "IORITY\":\"6\",\"_RUNTIME_SCOPE\":\"system\",\"__CURSOR\":\"s=4f00fe52408b43749ed1b79311f9" \
  "0745;i=77;b=c5ac496e3dc046b4a2e6f70875b640e6;m=335e3679;t=660d1df2382e8;x=1c3e2e0b043e861c" \
  "\",\"SYSLOG_IDENTIFIER\":\"kernel\",\"_BOOT_ID\":\"c5ac496e3dc046b4a2e6f70875b640e6\",\"_S" \
  "OURCE_MONOTONIC_TIMESTAMP\":\"250232\"}"

/* a message with a newline */
#define LINE_MULTILINE \
  "{\"_HOSTNAME\":\"vm\",\"_CMDLINE\":\"/root/.pyenv/versions/3.11.7/bin/python3 /tmp/jexp/js" \
  "end.py \\\"MESSAGE=first\\\\\\\\nsecond\\\" PRIORITY=4 SYSLOG_IDENTIFIER=tend-demo\",\"_SY" \
  "STEMD_SLICE\":\"tendjexp.slice\",\"__CURSOR\":\"s=4f00fe52408b43749ed1b79311f90745;i=164;b" \
  "=c5ac496e3dc046b4a2e6f70875b640e6;m=33628702;t=660d1df27d370;x=e20a9a64f0ccb453\",\"__REAL" \
  "TIME_TIMESTAMP\":\"1795304368624496\",\"_RUNTIME_SCOPE\":\"system\",\"__MONOTONIC_TIMESTAM" \
  "P\":\"862095106\",\"_SYSTEMD_UNIT\":\"tend-demo.service\",\"_SYSTEMD_CGROUP\":\"/tendjexp." \
  "slice/tend-demo.service\",\"_MACHINE_ID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"MESSAGE\"" \
  ":\"first\\nsecond\",\"PRIORITY\":\"4\",\"_UID\":\"0\",\"_BOOT_ID\":\"c5ac496e3dc046b4a2e6f" \
  "70875b640e6\",\"_PID\":\"4846\",\"SYSLOG_IDENTIFIER\":\"tend-demo\",\"_TRANSPORT\":\"journ" \
  "al\",\"_GID\":\"0\",\"_CAP_EFFECTIVE\":\"1fffeffffff\",\"_COMM\":\"python3\",\"_EXE\":\"/r" \
  "oot/.pyenv/versions/3.11.7/bin/python3.11\",\"_SOURCE_REALTIME_TIMESTAMP\":\"1795304368624" \
  "406\"}"

/* MESSAGE given twice: an array of strings */
#define LINE_MULTI_VALUE \
  "{\"_COMM\":\"python3\",\"_EXE\":\"/root/.pyenv/versions/3.11.7/bin/python3.11\",\"MESSAGE" \
  "\":[\"one\",\"two\"],\"_GID\":\"0\",\"_HOSTNAME\":\"vm\",\"_CMDLINE\":\"/root/.pyenv/versi" \
  "ons/3.11.7/bin/python3 /tmp/jexp/jsend.py MESSAGE=one MESSAGE=two PRIORITY=6 SYSLOG_IDENTI" \
  "FIER=multi\",\"_SYSTEMD_UNIT\":\"init.scope\",\"_RUNTIME_SCOPE\":\"system\",\"_PID\":\"121" \
  "56\",\"PRIORITY\":\"6\",\"_UID\":\"0\",\"_TRANSPORT\":\"journal\",\"__REALTIME_TIMESTAMP\"" \
  ":\"1795304676793451\",\"__MONOTONIC_TIMESTAMP\":\"1170264060\",\"_SYSTEMD_SLICE\":\"-.slic" \
  "e\",\"_SYSTEMD_CGROUP\":\"/init.scope\",\"_MACHINE_ID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4" \
  "\",\"SYSLOG_IDENTIFIER\":\"multi\",\"_CAP_EFFECTIVE\":\"1fffeffffff\",\"_SOURCE_REALTIME_T" \
  "IMESTAMP\":\"1795304676790340\",\"_BOOT_ID\":\"c5ac496e3dc046b4a2e6f70875b640e6\",\"__CURS" \
  "OR\":\"s=6d0195efcef245b58f13d07f11e03bef;i=17a;b=c5ac496e3dc046b4a2e6f70875b640e6;m=45c0c" \
  "ffc;t=660d1f1861c6b;x=557bfa61ab97a9cf\"}"

/* MESSAGE given twice, the first not UTF-8: an array of a byte array and a string */
#define LINE_MULTI_BINARY \
  "{\"_UID\":\"0\",\"_CAP_EFFECTIVE\":\"1fffeffffff\",\"_SYSTEMD_CGROUP\":\"/init.scope\",\"_" \
  "SYSTEMD_SLICE\":\"-.slice\",\"_SYSTEMD_UNIT\":\"init.scope\",\"SYSLOG_IDENTIFIER\":\"multi" \
  "2\",\"_EXE\":\"/root/.pyenv/versions/3.11.7/bin/python3.11\",\"MESSAGE\":[[255,98,105,110]" \
  ",\"text\"],\"_CMDLINE\":\"/root/.pyenv/versions/3.11.7/bin/python3 /tmp/jexp/jsend.py \\\"" \
  "MESSAGE=\\\\\\\\xffbin\\\" MESSAGE=text PRIORITY=6 SYSLOG_IDENTIFIER=multi2\",\"_SOURCE_RE" \
  "ALTIME_TIMESTAMP\":\"1795304676910340\",\"PRIORITY\":\"6\",\"_TRANSPORT\":\"journal\",\"_C" \
  "OMM\":\"python3\",\"_HOSTNAME\":\"vm\",\"__MONOTONIC_TIMESTAMP\":\"1170381062\",\"_GID\":" \
  "\"0\",\"__CURSOR\":\"s=6d0195efcef245b58f13d07f11e03bef;i=17b;b=c5ac496e3dc046b4a2e6f70875" \
  "b640e6;m=45c29906;t=660d1f187e574;x=c3300ab654aa5ec3\",\"_PID\":\"12197\",\"_BOOT_ID\":\"c" \
  "5ac496e3dc046b4a2e6f70875b640e6\",\"_RUNTIME_SCOPE\":\"system\",\"__REALTIME_TIMESTAMP\":" \
  "\"1795304676910452\",\"_MACHINE_ID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\"}"

/* MESSAGE with ANSI escapes (control characters): an array of bytes */
#define LINE_CONTROL \
  "{\"_SYSTEMD_CGROUP\":\"/init.scope\",\"PRIORITY\":\"6\",\"_GID\":\"0\",\"_RUNTIME_SCOPE\":" \
  "\"system\",\"_SYSTEMD_UNIT\":\"init.scope\",\"_SOURCE_REALTIME_TIMESTAMP\":\"1795304677033" \
  "612\",\"_HOSTNAME\":\"vm\",\"_CMDLINE\":\"/root/.pyenv/versions/3.11.7/bin/python3 /tmp/je" \
  "xp/jsend.py \\\"MESSAGE=ctrl \\\\\\\\x1b[31mred\\\\\\\\x1b[0m\\\" PRIORITY=6 SYSLOG_IDENTI" \
  "FIER=ctrl\",\"__CURSOR\":\"s=6d0195efcef245b58f13d07f11e03bef;i=17c;b=c5ac496e3dc046b4a2e6" \
  "f70875b640e6;m=45c47a6f;t=660d1f189c6dd;x=69107bba5646cd5b\",\"_CAP_EFFECTIVE\":\"1fffefff" \
  "fff\",\"__MONOTONIC_TIMESTAMP\":\"1170504303\",\"_EXE\":\"/root/.pyenv/versions/3.11.7/bin" \
  "/python3.11\",\"_UID\":\"0\",\"_PID\":\"12238\",\"_COMM\":\"python3\",\"__REALTIME_TIMESTA" \
  "MP\":\"1795304677033693\",\"_MACHINE_ID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"_TRANSPOR" \
  "T\":\"journal\",\"MESSAGE\":[99,116,114,108,32,27,91,51,49,109,114,101,100,27,91,48,109]," \
  "\"_BOOT_ID\":\"c5ac496e3dc046b4a2e6f70875b640e6\",\"_SYSTEMD_SLICE\":\"-.slice\",\"SYSLOG_" \
  "IDENTIFIER\":\"ctrl\"}"

/* a user unit of a user manager running on its own (the test sandbox): _SYSTEMD_UNIT */
#define LINE_SANDBOX \
  "{\"_STREAM_ID\":\"4305a2b3e05646c89aaddc1c5bcfe680\",\"SYSLOG_FACILITY\":\"3\",\"_MACHINE_" \
  "ID\":\"3d1219c7c4c5404aaa1f6d2a48adfda4\",\"__MONOTONIC_TIMESTAMP\":\"945131427\",\"_BOOT_" \
  "ID\":\"c5ac496e3dc046b4a2e6f70875b640e6\",\"MESSAGE\":\"hello from tend-demo\",\"PRIORITY" \
  "\":\"6\",\"__CURSOR\":\"s=6dfc542ff0c74d3eb1b70877c4865a7e;i=16f;b=c5ac496e3dc046b4a2e6f70" \
  "875b640e6;m=38558fa3;t=660d1e41adc13;x=abc4483833a6c4c6\",\"_HOSTNAME\":\"vm\",\"_SYSTEMD_" \
  "CGROUP\":\"/app.slice/tend-demo.service\",\"_CAP_EFFECTIVE\":\"1fffeffffff\",\"_SYSTEMD_UN" \
  "IT\":\"tend-demo.service\",\"__REALTIME_TIMESTAMP\":\"1795304451660819\",\"_TRANSPORT\":\"" \
  "stdout\",\"_COMM\":\"sh\",\"_SYSTEMD_SLICE\":\"app.slice\",\"_UID\":\"0\",\"_RUNTIME_SCOPE" \
  "\":\"system\",\"SYSLOG_IDENTIFIER\":\"sh\",\"_CMDLINE\":\"/bin/sh -c \\\"echo hello from t" \
  "end-demo; echo oops >&2; sleep 1; exit 3\\\"\",\"_PID\":\"7140\",\"_EXE\":\"/usr/bin/dash" \
  "\",\"_GID\":\"0\"}"

#define LINE_STDOUT_CURSOR \
  "s=4f00fe52408b43749ed1b79311f90745;i=161;b=c5ac496e3dc046b4a2e6f70875b640e6;m=336029c6;" \
  "t=660d1df257635;x=cbda7a51505f98a3"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Parsing entries */

typedef struct
{
  const char *name;
  const char *line;
  gint64      realtime_usec;
  int         priority;
  const char *message;
  const char *identifier;
  gint64      pid;
  const char *unit;
} EntryCase;

static const EntryCase entry_cases[] = {
  { "stdout", LINE_STDOUT, G_GINT64_CONSTANT (1795304368469557), 3,
    "connection refused: 127.0.0.1:6379", "tend-demo", 4839, "tend-demo.service" },
  { "binary", LINE_BINARY, G_GINT64_CONSTANT (1795304368478309), 4,
    "bad bytes: " REPLACEMENT REPLACEMENT " end", "tend-demo", 4842, "tend-demo.service" },
  { "nul", LINE_NUL, G_GINT64_CONSTANT (1795304368880929), 6,
    REPLACEMENT REPLACEMENT REPLACEMENT "binary", "tend-demo", 4928, "tend-demo.service" },
  { "no-identifier", LINE_NO_IDENTIFIER, G_GINT64_CONSTANT (1795304368756129), 5,
    "no identifier here", "python3", 4887, "tend-demo.service" },
  { "no-message", LINE_NO_MESSAGE, G_GINT64_CONSTANT (1795304369020074), -1,
    NULL, "tend-demo", 4969, "tend-demo.service" },
  { "null-message", LINE_NULL_MESSAGE, G_GINT64_CONSTANT (1795304369045060), 7,
    NULL, "tend-demo", 5013, NULL },
  { "utf8", LINE_UTF8, G_GINT64_CONSTANT (1795304369051611), 6,
    "Grüße aus Köln ✓", "tend-demo", 5016, NULL },
  { "user-unit", LINE_USER_UNIT, G_GINT64_CONSTANT (1795304369170604), 3,
    "tend-user-demo.service: Failed with result exit-code.", "systemd", 5020,
    "tend-user-demo.service" },
  { "about-unit", LINE_ABOUT_UNIT, G_GINT64_CONSTANT (1795304369260775), 3,
    "tend-demo.service: Main process exited, code=exited, status=1/FAILURE", "systemd", 5061,
    "tend-demo.service" },
  { "kernel", LINE_KERNEL, G_GINT64_CONSTANT (1795304368341736), 6,
    "Speculative Store Bypass: Vulnerable", "kernel", 0, NULL },
  { "multiline", LINE_MULTILINE, G_GINT64_CONSTANT (1795304368624496), 4,
    "first\nsecond", "tend-demo", 4846, "tend-demo.service" },
  { "multi-value", LINE_MULTI_VALUE, G_GINT64_CONSTANT (1795304676793451), 6,
    "one", "multi", 12156, "init.scope" },
  { "multi-binary", LINE_MULTI_BINARY, G_GINT64_CONSTANT (1795304676910452), 6,
    REPLACEMENT "bin", "multi2", 12197, "init.scope" },
  { "control", LINE_CONTROL, G_GINT64_CONSTANT (1795304677033693), 6,
    "ctrl \x1b[31mred\x1b[0m", "ctrl", 12238, "init.scope" },
  { "sandbox", LINE_SANDBOX, G_GINT64_CONSTANT (1795304451660819), 6,
    "hello from tend-demo", "sh", 7140, "tend-demo.service" },
};

static void
assert_entry (const TendJournalEntry *entry,
              const EntryCase        *expected)
{
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->realtime_usec, ==, expected->realtime_usec);
  g_assert_cmpint (entry->priority, ==, expected->priority);
  g_assert_cmpstr (entry->message, ==, expected->message);
  g_assert_cmpstr (entry->identifier, ==, expected->identifier);
  g_assert_cmpint (entry->pid, ==, expected->pid);
  g_assert_cmpstr (entry->unit, ==, expected->unit);
  g_assert_nonnull (entry->cursor);
  g_assert_true (g_str_has_prefix (entry->cursor, "s="));
  if (entry->message != NULL)
    g_assert_true (g_utf8_validate (entry->message, -1, NULL));
}

static void
test_entry_parse (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (entry_cases); i++)
    {
      g_autoptr(TendJournalEntry) entry = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("entry: %s", entry_cases[i].name);
      entry = tend_journal_entry_new_from_json (entry_cases[i].line, -1, &error);
      g_assert_no_error (error);
      assert_entry (entry, &entry_cases[i]);
    }
}

static void
test_entry_parse_length (void)
{
  g_autofree char *padded = g_strconcat (LINE_STDOUT, "}{ trailing garbage", NULL);
  g_autoptr(TendJournalEntry) entry = NULL;
  g_autoptr(TendJournalEntry) whole = NULL;
  g_autoptr(GError) error = NULL;

  entry = tend_journal_entry_new_from_json (padded, strlen (LINE_STDOUT), &error);
  g_assert_no_error (error);
  assert_entry (entry, &entry_cases[0]);
  g_assert_cmpstr (entry->cursor, ==, LINE_STDOUT_CURSOR);

  whole = tend_journal_entry_new_from_json (padded, -1, &error);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_FAILED);
  g_assert_null (whole);
}

static void
test_entry_parse_lenient (void)
{
  static const struct
  {
    const char *line;
    gint64      realtime_usec;
    int         priority;
    gint64      pid;
  } cases[] = {
    /* numbers as JSON numbers rather than strings */
    { "{\"__REALTIME_TIMESTAMP\":1795304368469557,\"PRIORITY\":2,\"_PID\":77}",
      G_GINT64_CONSTANT (1795304368469557), 2, 77 },
    /* a PRIORITY or _PID that cannot be read counts as absent */
    { "{\"__REALTIME_TIMESTAMP\":\"5\",\"PRIORITY\":\"9\",\"_PID\":\"abc\"}", 5, -1, 0 },
    { "{\"__REALTIME_TIMESTAMP\":\"5\",\"PRIORITY\":\"-1\",\"_PID\":\"-4\"}", 5, -1, 0 },
    { "{\"__REALTIME_TIMESTAMP\":\"5\",\"PRIORITY\":\"33\",\"_PID\":\"0\"}", 5, -1, 0 },
    { "{\"__REALTIME_TIMESTAMP\":\"0\"}", 0, -1, 0 },
    { "  {\"__REALTIME_TIMESTAMP\":\"7\"}  ", 7, -1, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TendJournalEntry) entry = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("lenient: %s", cases[i].line);
      entry = tend_journal_entry_new_from_json (cases[i].line, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpint (entry->realtime_usec, ==, cases[i].realtime_usec);
      g_assert_cmpint (entry->priority, ==, cases[i].priority);
      g_assert_cmpint (entry->pid, ==, cases[i].pid);
      g_assert_null (entry->message);
      g_assert_null (entry->identifier);
      g_assert_null (entry->unit);
      g_assert_null (entry->cursor);
    }
}

static void
test_entry_invalid (void)
{
  g_autofree char *truncated = g_strndup (LINE_STDOUT, 120);
  const struct
  {
    const char *line;
    const char *reason;
  } cases[] = {
    { "", "journal line is empty" },
    { "   ", "journal line is empty" },
    { "[1,2,3]", "journal line is not a JSON object" },
    { "\"MESSAGE\"", "journal line is not a JSON object" },
    { "42", "journal line is not a JSON object" },
    { "null", "journal line is not a JSON object" },
    { "garbage", "journal line is not valid JSON: " },
    { "-- No entries --", "journal line is not valid JSON: " },
    { "{\"MESSAGE\":\"a\",}", "journal line is not valid JSON: " },
    { truncated, "journal line is not valid JSON: " },
    { "{}", "journal line has no __REALTIME_TIMESTAMP" },
    { "{\"MESSAGE\":\"hello\",\"PRIORITY\":\"3\"}", "journal line has no __REALTIME_TIMESTAMP" },
    { "{\"__REALTIME_TIMESTAMP\":null}", "journal line has no __REALTIME_TIMESTAMP" },
    { "{\"__REALTIME_TIMESTAMP\":\"yesterday\"}",
      "journal line has a __REALTIME_TIMESTAMP that is not a number of microseconds: "
      "\"yesterday\"" },
    { "{\"__REALTIME_TIMESTAMP\":\"-5\"}", "that is not a number of microseconds: \"-5\"" },
    { "{\"__REALTIME_TIMESTAMP\":\"\"}", "that is not a number of microseconds: \"\"" },
    { "{\"__REALTIME_TIMESTAMP\":[49,0,50]}", "that is not a number of microseconds" },
    { "{\"__REALTIME_TIMESTAMP\":{}}",
      "journal line has a __REALTIME_TIMESTAMP that is neither text nor a list of bytes" },
    { "{\"__REALTIME_TIMESTAMP\":1.5}", "__REALTIME_TIMESTAMP that is neither text nor" },
    { "{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[104,300]}",
      "journal line has a MESSAGE that is neither text nor a list of bytes" },
    { "{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[104,-1]}", "has a MESSAGE that is neither" },
    { "{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[104,\"i\"]}", "has a MESSAGE that is neither" },
    { "{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[[104,\"i\"]]}", "has a MESSAGE that is" },
    { "{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":{\"a\":1}}", "has a MESSAGE that is neither" },
    { "{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":true}", "has a MESSAGE that is neither" },
    { "{\"__REALTIME_TIMESTAMP\":\"1\",\"_PID\":{}}", "has a _PID that is neither" },
    { "{\"__REALTIME_TIMESTAMP\":\"1\",\"PRIORITY\":{}}", "has a PRIORITY that is neither" },
    { "{\"__REALTIME_TIMESTAMP\":\"1\",\"_COMM\":false}", "has a _COMM that is neither" },
    { "{\"__REALTIME_TIMESTAMP\":\"1\",\"_SYSTEMD_UNIT\":{}}", "has a _SYSTEMD_UNIT that is" },
    { "{\"__REALTIME_TIMESTAMP\":\"1\",\"__CURSOR\":3.25}", "has a __CURSOR that is neither" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TendJournalEntry) entry = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("invalid: %s", cases[i].line);
      entry = tend_journal_entry_new_from_json (cases[i].line, -1, &error);
      g_assert_null (entry);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_FAILED);
      if (strstr (error->message, cases[i].reason) == NULL)
        g_error ("message \"%s\" lacks \"%s\"", error->message, cases[i].reason);

      g_assert_null (tend_journal_entry_new_from_json (cases[i].line, -1, NULL));
    }
}

static void
test_entry_invalid_utf8_line (void)
{
  /* not something journalctl writes, but the result must still be valid UTF-8 */
  const char *line = "{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":\"ab\xff\xfe\"}";
  g_autoptr(TendJournalEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  entry = tend_journal_entry_new_from_json (line, -1, &error);
  if (entry != NULL)
    {
      g_assert_no_error (error);
      g_assert_true (g_utf8_validate (entry->message, -1, NULL));
      g_assert_true (g_str_has_prefix (entry->message, "ab"));
    }
  else
    {
      g_assert_error (error, TEND_ERROR, TEND_ERROR_FAILED);
    }
}

static void
test_entry_copy (void)
{
  g_autoptr(TendJournalEntry) entry = NULL;
  g_autoptr(TendJournalEntry) copy = NULL;
  TendJournalEntry *boxed;

  entry = tend_journal_entry_new_from_json (LINE_USER_UNIT, -1, NULL);
  copy = tend_journal_entry_copy (entry);

  g_assert_true (copy != entry);
  g_assert_true (copy->message != entry->message);
  assert_entry (copy, &entry_cases[7]);
  g_assert_cmpstr (copy->cursor, ==, entry->cursor);

  g_assert_true (G_TYPE_IS_BOXED (TEND_TYPE_JOURNAL_ENTRY));
  boxed = g_boxed_copy (TEND_TYPE_JOURNAL_ENTRY, entry);
  assert_entry (boxed, &entry_cases[7]);
  g_boxed_free (TEND_TYPE_JOURNAL_ENTRY, boxed);

  tend_journal_entry_free (NULL);
}

static char *
entry_json_string (const TendJournalEntry *entry)
{
  g_autoptr(JsonNode) node = tend_journal_entry_to_json (entry);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  return json_to_string (node, FALSE);
}

static void
test_entry_to_json (void)
{
  g_autoptr(TendJournalEntry) entry = NULL;
  g_autoptr(TendJournalEntry) null_message = NULL;
  g_autoptr(TendJournalEntry) control = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  g_autofree char *json_null = NULL;
  g_autofree char *json_control = NULL;
  JsonObject *object;

  entry = tend_journal_entry_new_from_json (LINE_STDOUT, -1, NULL);
  json = entry_json_string (entry);
  g_assert_cmpstr (json, ==,
                   "{\"time\":\"2026-11-21T23:39:28.469557Z\","
                   "\"realtime_usec\":1795304368469557,"
                   "\"priority\":3,"
                   "\"message\":\"connection refused: 127.0.0.1:6379\","
                   "\"identifier\":\"tend-demo\","
                   "\"pid\":4839,"
                   "\"unit\":\"tend-demo.service\"}");

  /* absent values are null */
  null_message = tend_journal_entry_new_from_json ("{\"__REALTIME_TIMESTAMP\":\"0\"}", -1, NULL);
  json_null = entry_json_string (null_message);
  g_assert_cmpstr (json_null, ==,
                   "{\"time\":\"1970-01-01T00:00:00.000000Z\","
                   "\"realtime_usec\":0,"
                   "\"priority\":null,"
                   "\"message\":null,"
                   "\"identifier\":null,"
                   "\"pid\":null,"
                   "\"unit\":null}");

  /* control characters and UTF-8 survive a round trip through the JSON text */
  control = tend_journal_entry_new_from_json (LINE_CONTROL, -1, NULL);
  json_control = entry_json_string (control);
  g_assert_true (json_parser_load_from_data (parser, json_control, -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "message"), ==,
                   "ctrl \x1b[31mred\x1b[0m");
  g_assert_cmpstr (json_object_get_string_member (object, "time"), ==,
                   "2026-11-21T23:44:37.033693Z");
  g_assert_cmpint (json_object_get_int_member (object, "pid"), ==, 12238);
}

static void
test_entry_to_json_time (void)
{
  static const struct
  {
    gint64      realtime_usec;
    const char *time;
  } cases[] = {
    { 0, "1970-01-01T00:00:00.000000Z" },
    { 1, "1970-01-01T00:00:00.000001Z" },
    { 999999, "1970-01-01T00:00:00.999999Z" },
    { -1, "1969-12-31T23:59:59.999999Z" },
    { G_GINT64_CONSTANT (1795304369051611), "2026-11-21T23:39:29.051611Z" },
    { G_GINT64_CONSTANT (1709251200000000), "2024-03-01T00:00:00.000000Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TendJournalEntry entry = { .realtime_usec = cases[i].realtime_usec, .priority = -1 };
      g_autoptr(JsonNode) node = tend_journal_entry_to_json (&entry);
      JsonObject *object = json_node_get_object (node);

      g_assert_cmpstr (json_object_get_string_member (object, "time"), ==, cases[i].time);
      g_assert_cmpint (json_object_get_int_member (object, "realtime_usec"), ==,
                       cases[i].realtime_usec);
    }
}

/* Priorities */

static void
test_priority_from_string (void)
{
  static const struct
  {
    const char *text;
    int         priority;
  } cases[] = {
    { "0", 0 }, { "1", 1 }, { "2", 2 }, { "3", 3 }, { "4", 4 }, { "5", 5 }, { "6", 6 },
    { "7", 7 },
    { "emerg", 0 }, { "alert", 1 }, { "crit", 2 }, { "err", 3 }, { "warning", 4 },
    { "notice", 5 }, { "info", 6 }, { "debug", 7 },
    { "emergency", 0 }, { "critical", 2 }, { "error", 3 }, { "warn", 4 },
    { "ERR", 3 }, { "Warning", 4 }, { "DEBUG", 7 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (tend_journal_priority_from_string (cases[i].text, &error), ==,
                       cases[i].priority);
      g_assert_no_error (error);
    }
}

static void
test_priority_from_string_invalid (void)
{
  static const char * const texts[] = {
    "", "8", "-1", "42", "errr", "informational", "3 ", " 3", "0x3", "3.0", "e", "all",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *quoted = g_strdup_printf ("\"%s\" is not a log priority", texts[i]);

      g_assert_cmpint (tend_journal_priority_from_string (texts[i], &error), ==, -1);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, quoted));
      g_assert_nonnull (strstr (error->message, "use a number from 0 (most severe) to 7, or one "
                                "of emerg (0), alert (1), crit (2), err (3), warning (4), "
                                "notice (5), info (6), debug (7)"));
      g_assert_cmpint (tend_journal_priority_from_string (texts[i], NULL), ==, -1);
    }
}

static void
test_priority_to_string (void)
{
  static const char * const names[] = {
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
  };

  for (int i = 0; i < 8; i++)
    {
      g_assert_cmpstr (tend_journal_priority_to_string (i), ==, names[i]);
      g_assert_cmpint (tend_journal_priority_from_string (names[i], NULL), ==, i);
    }

  g_assert_null (tend_journal_priority_to_string (-1));
  g_assert_null (tend_journal_priority_to_string (8));
  g_assert_null (tend_journal_priority_to_string (G_MININT));
}

/* The journalctl command line */

static void
assert_argv (char               **argv,
             const char * const  *expected)
{
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;

  g_assert_nonnull (argv);
  got = g_strjoinv ("|", argv);
  want = g_strjoinv ("|", (char **) expected);
  g_assert_cmpstr (got, ==, want);
  g_assert_cmpuint (g_strv_length (argv), ==, g_strv_length ((char **) expected));
}

static void
test_argv (void)
{
  {
    const TendJournalQuery query = { .n_entries = 10, .max_priority = -1, .follow = FALSE };
    const char * const expected[] = {
      "/usr/bin/journalctl", "--no-pager", "-o", "json", "-n", "10",
      "_SYSTEMD_UNIT=tend-demo.service", "+", "UNIT=tend-demo.service", "+",
      "_SYSTEMD_USER_UNIT=tend-demo.service", "+", "USER_UNIT=tend-demo.service", NULL
    };
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) error = NULL;

    argv = tend_journal_build_argv ("/usr/bin/journalctl", "tend-demo.service", &query, &error);
    g_assert_no_error (error);
    assert_argv (argv, expected);
  }

  {
    const TendJournalQuery query = { .n_entries = 0, .max_priority = 3, .follow = TRUE };
    const char * const expected[] = {
      "journalctl", "--no-pager", "-o", "json", "-n", "all", "-p", "3", "-f",
      "_SYSTEMD_UNIT=getty@tty1.service", "+", "UNIT=getty@tty1.service", "+",
      "_SYSTEMD_USER_UNIT=getty@tty1.service", "+", "USER_UNIT=getty@tty1.service", NULL
    };
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) error = NULL;

    argv = tend_journal_build_argv (NULL, "getty@tty1.service", &query, &error);
    g_assert_no_error (error);
    assert_argv (argv, expected);
  }

  {
    /* 7 (debug) filters nothing, and -p 7 would hide entries without a PRIORITY */
    const TendJournalQuery query = { .n_entries = 50, .max_priority = 7, .follow = TRUE };
    const char * const expected[] = {
      "journalctl", "--no-pager", "-o", "json", "-n", "50", "-f",
      "_SYSTEMD_UNIT=app-tend\\x2dinst.slice", "+", "UNIT=app-tend\\x2dinst.slice", "+",
      "_SYSTEMD_USER_UNIT=app-tend\\x2dinst.slice", "+", "USER_UNIT=app-tend\\x2dinst.slice",
      NULL
    };
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) error = NULL;

    argv = tend_journal_build_argv ("journalctl", "app-tend\\x2dinst.slice", &query, &error);
    g_assert_no_error (error);
    assert_argv (argv, expected);
  }

  {
    const TendJournalQuery query = { .n_entries = G_MAXUINT, .max_priority = 0 };
    const char * const expected[] = {
      "journalctl", "--no-pager", "-o", "json", "-n", "4294967295", "-p", "0",
      "_SYSTEMD_UNIT=a.timer", "+", "UNIT=a.timer", "+",
      "_SYSTEMD_USER_UNIT=a.timer", "+", "USER_UNIT=a.timer", NULL
    };
    g_auto(GStrv) argv = NULL;

    argv = tend_journal_build_argv ("journalctl", "a.timer", &query, NULL);
    assert_argv (argv, expected);
  }
}

static void
test_argv_invalid (void)
{
  static const TendJournalQuery good_query = { .n_entries = 10, .max_priority = -1 };
  static const TendJournalQuery bad_query = { .n_entries = 10, .max_priority = 8 };
  const struct
  {
    const char             *unit;
    const TendJournalQuery *query;
    const char             *reason;
  } cases[] = {
    { "foo/bar.service", &good_query,
      "\"foo/bar.service\" is not a valid unit name: it contains \"/\"" },
    { "x.service; rm -rf ~", &good_query, "it contains \";\"" },
    { "$(reboot).service", &good_query, "it contains \"$\"" },
    { "", &good_query, "\"\" is not a valid unit name: it is empty" },
    { "nginx", &good_query, "\"nginx\" is not a valid unit name: it has no type suffix" },
    { "-f.service", &good_query, "\"-f.service\" is not a valid unit name: it starts with \"-\"" },
    { "* + _PID=1", &good_query, "it contains \"*\"" },
    /* the unit is checked before anything else */
    { "foo/bar.service", &bad_query, "it contains \"/\"" },
    { "getty@.service", &good_query,
      "\"getty@.service\" is a template, which has no log entries of its own; name one of its "
      "instances, such as \"getty@INSTANCE.service\"" },
    { "nginx.service", &bad_query,
      "log priority 8 is out of range; use 0 (emerg) to 7 (debug), or -1 for all entries" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) argv = NULL;
      g_autoptr(GError) error = NULL;

      argv = tend_journal_build_argv ("journalctl", cases[i].unit, cases[i].query, &error);
      g_assert_null (argv);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      if (strstr (error->message, cases[i].reason) == NULL)
        g_error ("message \"%s\" lacks \"%s\"", error->message, cases[i].reason);

      g_assert_null (tend_journal_build_argv ("journalctl", cases[i].unit, cases[i].query, NULL));
    }

  {
    const TendJournalQuery query = { .n_entries = 1, .max_priority = -2 };
    g_autoptr(GError) error = NULL;

    g_assert_null (tend_journal_build_argv (NULL, "nginx.service", &query, &error));
    g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  }
}

/* The reader */

typedef struct
{
  GPtrArray    *entries;       /* (element-type TendJournalEntry) copies of ::entry */
  guint         n_finished;
  GError       *error;         /* of ::finished */
  guint         n_skipped_notify;
  GCancellable *cancel_after_first;
  GPtrArray    *all;           /* read_all_finish() result */
  GError       *all_error;
  gboolean      all_done;
} ReaderState;

static void
reader_state_init (ReaderState *state)
{
  memset (state, 0, sizeof *state);
  state->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_journal_entry_free);
}

static void
reader_state_clear (ReaderState *state)
{
  g_clear_pointer (&state->entries, g_ptr_array_unref);
  g_clear_pointer (&state->all, g_ptr_array_unref);
  g_clear_error (&state->error);
  g_clear_error (&state->all_error);
}

static void
on_entry (TendJournalReader *reader,
          TendJournalEntry  *entry,
          ReaderState       *state)
{
  g_assert_true (TEND_IS_JOURNAL_READER (reader));
  g_assert_cmpuint (state->n_finished, ==, 0);

  g_ptr_array_add (state->entries, tend_journal_entry_copy (entry));

  if (state->cancel_after_first != NULL)
    g_cancellable_cancel (state->cancel_after_first);
}

static void
on_finished (TendJournalReader *reader,
             const GError      *error,
             ReaderState       *state)
{
  g_assert_true (TEND_IS_JOURNAL_READER (reader));

  state->n_finished++;
  if (error != NULL)
    state->error = g_error_copy (error);
}

static void
on_notify_skipped (G_GNUC_UNUSED TendJournalReader *reader,
                   G_GNUC_UNUSED GParamSpec        *pspec,
                   ReaderState                     *state)
{
  state->n_skipped_notify++;
}

static void
on_read_all (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ReaderState *state = user_data;

  g_assert_false (state->all_done);
  state->all = tend_journal_reader_read_all_finish (TEND_JOURNAL_READER (source), result,
                                                    &state->all_error);
  state->all_done = TRUE;
}

static void
connect_state (TendJournalReader *reader,
               ReaderState       *state)
{
  g_signal_connect (reader, "entry", G_CALLBACK (on_entry), state);
  g_signal_connect (reader, "finished", G_CALLBACK (on_finished), state);
  g_signal_connect (reader, "notify::skipped", G_CALLBACK (on_notify_skipped), state);
}

static gboolean
is_finished (gpointer data)
{
  return ((ReaderState *) data)->n_finished > 0;
}

static gboolean
is_all_done (gpointer data)
{
  return ((ReaderState *) data)->all_done;
}

static gboolean
has_two_entries (gpointer data)
{
  return ((ReaderState *) data)->entries->len >= 2;
}

/* Lets anything still queued run, to see that nothing more is emitted */
static void
drain_main_context (void)
{
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

static GInputStream *
stream_from_string (const char *text)
{
  return g_memory_input_stream_new_from_data (g_strdup (text), strlen (text), g_free);
}

/* Four entries, two bad lines, a blank line and no newline at the end */
#define MIXED_STREAM \
  LINE_STDOUT "\n" \
  LINE_BINARY "\n" \
  "this is not json\n" \
  "\n" \
  LINE_USER_UNIT "\n" \
  "[1,2]\n" \
  LINE_UTF8

static void
assert_mixed_entries (GPtrArray *entries)
{
  g_assert_cmpuint (entries->len, ==, 4);
  assert_entry (g_ptr_array_index (entries, 0), &entry_cases[0]);
  assert_entry (g_ptr_array_index (entries, 1), &entry_cases[1]);
  assert_entry (g_ptr_array_index (entries, 2), &entry_cases[7]);
  assert_entry (g_ptr_array_index (entries, 3), &entry_cases[6]);
}

static void
test_reader_lines (void)
{
  g_autoptr(GInputStream) stream = stream_from_string (MIXED_STREAM);
  g_autoptr(TendJournalReader) reader = NULL;
  ReaderState state;
  guint skipped = 0;

  reader_state_init (&state);

  reader = tend_journal_reader_new (stream);
  g_assert_true (tend_journal_reader_get_stream (reader) == stream);
  g_assert_cmpuint (tend_journal_reader_get_skipped (reader), ==, 0);
  connect_state (reader, &state);

  tend_journal_reader_start (reader, NULL);
  g_assert_cmpuint (state.entries->len, ==, 0);   /* nothing happens before the main loop */
  g_assert_true (wait_until (is_finished, &state));

  g_object_get (reader, "skipped", &skipped, NULL);
  g_assert_cmpuint (skipped, ==, 2);
  g_assert_cmpuint (tend_journal_reader_get_skipped (reader), ==, 2);
  g_assert_cmpuint (state.n_skipped_notify, ==, 2);
  g_assert_no_error (state.error);
  assert_mixed_entries (state.entries);

  drain_main_context ();
  g_assert_cmpuint (state.n_finished, ==, 1);
  g_assert_cmpuint (state.entries->len, ==, 4);

  /* the reader does not close the stream */
  g_assert_false (g_input_stream_is_closed (stream));

  reader_state_clear (&state);
}

static void
test_reader_keeps_alive (void)
{
  g_autoptr(GInputStream) stream = stream_from_string (MIXED_STREAM);
  TendJournalReader *reader;
  ReaderState state;

  reader_state_init (&state);

  reader = tend_journal_reader_new (stream);
  connect_state (reader, &state);
  g_object_add_weak_pointer (G_OBJECT (reader), (gpointer *) &reader);

  /* the reader keeps itself alive until it has finished, then lets go */
  tend_journal_reader_start (reader, NULL);
  g_object_unref (reader);
  g_assert_nonnull (reader);

  g_assert_true (wait_until (is_finished, &state));

  g_assert_null (reader);
  g_assert_no_error (state.error);
  assert_mixed_entries (state.entries);
  g_assert_cmpuint (state.n_skipped_notify, ==, 2);

  drain_main_context ();
  g_assert_cmpuint (state.n_finished, ==, 1);

  reader_state_clear (&state);
}

static void
test_reader_read_all (void)
{
  g_autoptr(GInputStream) stream = stream_from_string (MIXED_STREAM);
  g_autoptr(TendJournalReader) reader = tend_journal_reader_new (stream);
  ReaderState state;

  reader_state_init (&state);
  connect_state (reader, &state);

  tend_journal_reader_read_all_async (reader, NULL, on_read_all, &state);
  g_assert_false (state.all_done);
  g_assert_true (wait_until (is_all_done, &state));

  g_assert_no_error (state.all_error);
  g_assert_nonnull (state.all);
  assert_mixed_entries (state.all);

  /* the signals are emitted, too */
  assert_mixed_entries (state.entries);
  g_assert_cmpuint (state.n_finished, ==, 1);
  g_assert_no_error (state.error);
  g_assert_cmpuint (tend_journal_reader_get_skipped (reader), ==, 2);

  drain_main_context ();
  g_assert_cmpuint (state.n_finished, ==, 1);

  reader_state_clear (&state);
}

static void
test_reader_empty (void)
{
  g_autoptr(GInputStream) stream = stream_from_string ("");
  g_autoptr(TendJournalReader) reader = tend_journal_reader_new (stream);
  ReaderState state;

  reader_state_init (&state);
  connect_state (reader, &state);

  tend_journal_reader_read_all_async (reader, NULL, on_read_all, &state);
  g_assert_true (wait_until (is_all_done, &state));

  g_assert_no_error (state.all_error);
  g_assert_nonnull (state.all);
  g_assert_cmpuint (state.all->len, ==, 0);
  g_assert_cmpuint (state.n_finished, ==, 1);
  g_assert_no_error (state.error);

  reader_state_clear (&state);
}

static void
test_reader_many (void)
{
  const guint n_lines = 5000;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(TendJournalReader) reader = NULL;
  g_autofree char *long_message = g_strnfill (300000, 'x');
  ReaderState state;

  /* many lines, which cross the read buffer, and one longer than it */
  for (guint i = 0; i < n_lines; i++)
    g_string_append_printf (text, "{\"__REALTIME_TIMESTAMP\":\"%u\",\"MESSAGE\":\"line %u\"}\n",
                            i, i);
  g_string_append_printf (text, "{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":\"%s\"}\n",
                          long_message);
  g_string_append (text, LINE_STDOUT "\n");

  stream = g_memory_input_stream_new_from_data (g_strndup (text->str, text->len), text->len,
                                                g_free);
  reader = tend_journal_reader_new (stream);
  reader_state_init (&state);

  tend_journal_reader_read_all_async (reader, NULL, on_read_all, &state);
  g_assert_true (wait_until (is_all_done, &state));

  g_assert_no_error (state.all_error);
  g_assert_cmpuint (state.all->len, ==, n_lines + 2);
  for (guint i = 0; i < n_lines; i++)
    {
      TendJournalEntry *entry = g_ptr_array_index (state.all, i);
      g_autofree char *message = g_strdup_printf ("line %u", i);

      g_assert_cmpint (entry->realtime_usec, ==, i);
      g_assert_cmpstr (entry->message, ==, message);
    }
  g_assert_cmpstr (((TendJournalEntry *) g_ptr_array_index (state.all, n_lines))->message, ==,
                   long_message);
  assert_entry (g_ptr_array_index (state.all, n_lines + 1), &entry_cases[0]);
  g_assert_cmpuint (tend_journal_reader_get_skipped (reader), ==, 0);

  reader_state_clear (&state);
}

/* A `cat` process: what the test writes to its stdin, the reader reads from its stdout,
 * through real pipes that stay open until the test closes them.
 */
static GSubprocess *
spawn_cat (void)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *cat;

  cat = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                          "cat", NULL);
  g_assert_no_error (error);

  return cat;
}

static void
write_to_cat (GSubprocess *cat,
              const char  *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_subprocess_get_stdin_pipe (cat), text, strlen (text), NULL, NULL,
                             &error);
  g_assert_no_error (error);
}

static void
stop_cat (GSubprocess *cat)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close (g_subprocess_get_stdin_pipe (cat), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (cat, NULL, &error);
  g_assert_no_error (error);
}

static void
test_reader_cancel (void)
{
  g_autoptr(GSubprocess) cat = spawn_cat ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TendJournalReader) reader = NULL;
  ReaderState state;

  reader_state_init (&state);
  reader = tend_journal_reader_new (g_subprocess_get_stdout_pipe (cat));
  connect_state (reader, &state);

  tend_journal_reader_start (reader, cancellable);

  /* entries arrive while the stream stays open ... */
  write_to_cat (cat, LINE_STDOUT "\n" "not json\n");
  write_to_cat (cat, LINE_BINARY "\n");
  g_assert_true (wait_until (has_two_entries, &state));
  g_assert_cmpuint (state.n_finished, ==, 0);
  g_assert_cmpuint (tend_journal_reader_get_skipped (reader), ==, 1);

  /* ... until the reader is cancelled, waiting for more */
  g_cancellable_cancel (cancellable);
  g_assert_true (wait_until (is_finished, &state));

  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (state.entries->len, ==, 2);
  assert_entry (g_ptr_array_index (state.entries, 0), &entry_cases[0]);
  assert_entry (g_ptr_array_index (state.entries, 1), &entry_cases[1]);

  drain_main_context ();
  g_assert_cmpuint (state.n_finished, ==, 1);

  stop_cat (cat);
  reader_state_clear (&state);
}

static void
test_reader_cancel_read_all (void)
{
  g_autoptr(GSubprocess) cat = spawn_cat ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TendJournalReader) reader = NULL;
  ReaderState state;

  reader_state_init (&state);
  reader = tend_journal_reader_new (g_subprocess_get_stdout_pipe (cat));
  connect_state (reader, &state);

  tend_journal_reader_read_all_async (reader, cancellable, on_read_all, &state);
  write_to_cat (cat, LINE_STDOUT "\n" LINE_USER_UNIT "\n");
  g_assert_true (wait_until (has_two_entries, &state));
  g_assert_false (state.all_done);

  g_cancellable_cancel (cancellable);
  g_assert_true (wait_until (is_all_done, &state));

  g_assert_null (state.all);
  g_assert_error (state.all_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (state.n_finished, ==, 1);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  stop_cat (cat);
  reader_state_clear (&state);
}

static void
test_reader_cancel_in_handler (void)
{
  g_autoptr(GInputStream) stream = stream_from_string (MIXED_STREAM);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TendJournalReader) reader = tend_journal_reader_new (stream);
  ReaderState state;

  reader_state_init (&state);
  state.cancel_after_first = cancellable;
  connect_state (reader, &state);

  /* the other lines are already buffered; none of them is delivered after the cancel */
  tend_journal_reader_read_all_async (reader, cancellable, on_read_all, &state);
  g_assert_true (wait_until (is_all_done, &state));

  g_assert_cmpuint (state.entries->len, ==, 1);
  g_assert_cmpuint (state.n_finished, ==, 1);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (state.all_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (state.all);

  reader_state_clear (&state);
}

static void
test_reader_cancelled_before (void)
{
  g_autoptr(GInputStream) stream = stream_from_string (MIXED_STREAM);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TendJournalReader) reader = tend_journal_reader_new (stream);
  ReaderState state;

  reader_state_init (&state);
  connect_state (reader, &state);

  g_cancellable_cancel (cancellable);
  tend_journal_reader_read_all_async (reader, cancellable, on_read_all, &state);
  g_assert_false (state.all_done);
  g_assert_true (wait_until (is_all_done, &state));

  g_assert_cmpuint (state.entries->len, ==, 0);
  g_assert_cmpuint (state.n_finished, ==, 1);
  g_assert_error (state.all_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  reader_state_clear (&state);
}

/* A stream that gives one line and then fails, as a broken connection would */

#define TEST_TYPE_FAILING_STREAM (test_failing_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestFailingStream, test_failing_stream, TEST, FAILING_STREAM, GInputStream)

struct _TestFailingStream
{
  GInputStream parent_instance;
  gsize        offset;
};

G_DEFINE_FINAL_TYPE (TestFailingStream, test_failing_stream, G_TYPE_INPUT_STREAM)

static gssize
test_failing_stream_read (GInputStream  *stream,
                          void          *buffer,
                          gsize          count,
                          G_GNUC_UNUSED GCancellable  *cancellable,
                          GError                     **error)
{
  TestFailingStream *self = TEST_FAILING_STREAM (stream);
  static const char data[] = LINE_STDOUT "\n";
  gsize n;

  if (self->offset == sizeof data - 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                           "Connection reset by peer");
      return -1;
    }

  n = MIN (count, sizeof data - 1 - self->offset);
  memcpy (buffer, data + self->offset, n);
  self->offset += n;

  return n;
}

static void
test_failing_stream_class_init (TestFailingStreamClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = test_failing_stream_read;
}

static void
test_failing_stream_init (G_GNUC_UNUSED TestFailingStream *self)
{
}

static void
test_reader_error (void)
{
  g_autoptr(GInputStream) stream = g_object_new (TEST_TYPE_FAILING_STREAM, NULL);
  g_autoptr(TendJournalReader) reader = tend_journal_reader_new (stream);
  ReaderState state;

  reader_state_init (&state);
  connect_state (reader, &state);

  tend_journal_reader_read_all_async (reader, NULL, on_read_all, &state);
  g_assert_true (wait_until (is_all_done, &state));

  g_assert_cmpuint (state.entries->len, ==, 1);
  assert_entry (g_ptr_array_index (state.entries, 0), &entry_cases[0]);
  g_assert_cmpuint (state.n_finished, ==, 1);
  g_assert_error (state.error, TEND_ERROR, TEND_ERROR_FAILED);
  g_assert_cmpstr (state.error->message, ==,
                   "Could not read the journal: Connection reset by peer");
  g_assert_error (state.all_error, TEND_ERROR, TEND_ERROR_FAILED);
  g_assert_null (state.all);

  reader_state_clear (&state);
}

/* The line as tendctl logs prints it and the window copies it, in local time */
static void
test_entry_format (void)
{
  /* 2026-11-21 23:39:28 UTC */
  TendJournalEntry entry = {
    .realtime_usec = G_GINT64_CONSTANT (1795304368461230),
    .priority = 3,
    .message = (char *) "connection refused\nretrying",
    .identifier = (char *) "tend-demo",
    .pid = 4839,
    .unit = (char *) "tend-demo.service",
  };
  g_autofree char *prefix = NULL;
  g_autofree char *line = NULL;
  g_autofree char *bare = NULL;
  const char *tz = g_getenv ("TZ");
  g_autofree char *saved_tz = g_strdup (tz);

  g_setenv ("TZ", "UTC", TRUE);
  tzset ();

  prefix = tend_journal_entry_format_prefix (&entry);
  g_assert_cmpstr (prefix, ==, "2026-11-21 23:39:28 tend-demo[4839]: ");
  line = tend_journal_entry_format (&entry);
  g_assert_cmpstr (line, ==, "2026-11-21 23:39:28 tend-demo[4839]: connection refused\nretrying");

  /* no identifier: the unit; no pid: no brackets; no message: nothing after ": " */
  entry.identifier = NULL;
  entry.pid = 0;
  entry.message = NULL;
  bare = tend_journal_entry_format (&entry);
  g_assert_cmpstr (bare, ==, "2026-11-21 23:39:28 tend-demo.service: ");

  if (saved_tz != NULL)
    g_setenv ("TZ", saved_tz, TRUE);
  else
    g_unsetenv ("TZ");
  tzset ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/journal/entry/parse", test_entry_parse);
  g_test_add_func ("/journal/entry/parse-length", test_entry_parse_length);
  g_test_add_func ("/journal/entry/parse-lenient", test_entry_parse_lenient);
  g_test_add_func ("/journal/entry/invalid", test_entry_invalid);
  g_test_add_func ("/journal/entry/invalid-utf8-line", test_entry_invalid_utf8_line);
  g_test_add_func ("/journal/entry/copy", test_entry_copy);
  g_test_add_func ("/journal/entry/to-json", test_entry_to_json);
  g_test_add_func ("/journal/entry/to-json-time", test_entry_to_json_time);
  g_test_add_func ("/journal/entry/format", test_entry_format);
  g_test_add_func ("/journal/priority/from-string", test_priority_from_string);
  g_test_add_func ("/journal/priority/from-string-invalid", test_priority_from_string_invalid);
  g_test_add_func ("/journal/priority/to-string", test_priority_to_string);
  g_test_add_func ("/journal/argv", test_argv);
  g_test_add_func ("/journal/argv/invalid", test_argv_invalid);
  g_test_add_func ("/journal/reader/lines", test_reader_lines);
  g_test_add_func ("/journal/reader/keeps-alive", test_reader_keeps_alive);
  g_test_add_func ("/journal/reader/read-all", test_reader_read_all);
  g_test_add_func ("/journal/reader/empty", test_reader_empty);
  g_test_add_func ("/journal/reader/many", test_reader_many);
  g_test_add_func ("/journal/reader/cancel", test_reader_cancel);
  g_test_add_func ("/journal/reader/cancel-read-all", test_reader_cancel_read_all);
  g_test_add_func ("/journal/reader/cancel-in-handler", test_reader_cancel_in_handler);
  g_test_add_func ("/journal/reader/cancelled-before", test_reader_cancelled_before);
  g_test_add_func ("/journal/reader/error", test_reader_error);

  return g_test_run ();
}
