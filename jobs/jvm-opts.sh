# Sourced by the launchers: the JVM flags Spark 4.1 needs on Java 17, read from pom.xml (one place).
RATELAB_HOME="${RATELAB_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
RATELAB_JVM_OPTS=$(sed -n 's:.*<spark.jvm.opts>\(.*\)</spark.jvm.opts>.*:\1:p' "$RATELAB_HOME/pom.xml")
RATELAB_LOCAL_JVM_OPTS=$(sed -n 's:.*<local.jvm.opts>\(.*\)</local.jvm.opts>.*:\1:p' "$RATELAB_HOME/pom.xml")
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# Builds target/classes (with the packed conf files), target/classpath.txt and target/ratelab-classes.jar (the
# classes as one jar: class-data sharing archives jars only) when missing or older than the sources, and
# target/classpath-launch.txt (the class path the JVM gets: see ratelab_unsigned), and the same for the class path
# of the commands that start no Spark (target/classpath-local.txt, see ratelab_command). Sets RATELAB_CP and
# RATELAB_LOCAL_CP. With RATELAB_CLASSPATH set (tests, an installed copy), uses that classpath (and
# RATELAB_LOCAL_CLASSPATH, else the same, for the commands without Spark) and builds nothing.
ratelab_build() {
  if [ -n "${RATELAB_CLASSPATH:-}" ]; then
    RATELAB_CP="$RATELAB_CLASSPATH"
    RATELAB_LOCAL_CP="${RATELAB_LOCAL_CLASSPATH:-$RATELAB_CLASSPATH}"
    return 0
  fi
  local stamp="$RATELAB_HOME/target/classpath.txt"
  local jar="$RATELAB_HOME/target/ratelab-classes.jar"
  if [ ! -f "$stamp" ] || [ ! -f "$jar" ] || [ "$stamp" -nt "$jar" ] \
      || [ -n "$(find "$RATELAB_HOME/src/main" "$RATELAB_HOME/pom.xml" "$RATELAB_HOME/jobs/jvm-opts.sh" \
                     -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    echo "ratelab: building (first use or sources changed)..." >&2
    mkdir -p "$RATELAB_HOME/target"
    # the class path of the compile, provided (Spark: what a cluster has) and system scopes, not of the test
    # scope: JUnit and ArchUnit are not on it, as they are not where spark-submit runs the jar (a dependency
    # of runtime scope would need its own build-classpath; there is none)
    if ! (cd "$RATELAB_HOME" && mvn -B -q -Dstyle.color=never -DskipTests compile dependency:build-classpath \
        -DincludeScope=compile -Dmdep.outputFile=target/classpath.txt dependency:build-classpath@local-classpath) \
        > "$RATELAB_HOME/target/build.log" 2>&1; then
      cat "$RATELAB_HOME/target/build.log" >&2
      echo "ratelab: build failed (log: target/build.log)" >&2
      exit 1
    fi
    touch "$stamp"  # build-classpath leaves an unchanged file as it was
    rm -f "$jar.$$"
    (cd "$RATELAB_HOME/target/classes" && jar cf "$jar.$$" .) && mv -f "$jar.$$" "$jar"
  fi
  local launch="$RATELAB_HOME/target/classpath-launch.txt"
  if [ ! -f "$launch" ] || [ "$stamp" -nt "$launch" ]; then
    ratelab_unsigned "$stamp" "$launch" "$RATELAB_HOME/target/unsigned-jars"
  fi
  RATELAB_CP="$jar:$(cat "$launch")"
  local local_cp="$RATELAB_HOME/target/classpath-local.txt" local_launch="$RATELAB_HOME/target/classpath-local-launch.txt"
  RATELAB_LOCAL_CP="$RATELAB_CP"
  if [ -s "$local_cp" ]; then
    if [ ! -f "$local_launch" ] || [ "$local_cp" -nt "$local_launch" ]; then
      ratelab_unsigned "$local_cp" "$local_launch" "$RATELAB_HOME/target/unsigned-jars"
    fi
    RATELAB_LOCAL_CP="$jar:$(cat "$local_launch")"
  fi
}

# The class path and JVM options of a command. report starts no Spark: it runs on the local class path (pom.xml,
# local.classpath.excludeGroupIds: Spark, Scala and what only Spark's engine uses left out, 53 jars instead of 216)
# with the JVM options of no Spark (local.jvm.opts: none of Spark's --add-opens, which also keep the JVM from
# mapping its archived module graph). Each JVM opens every jar of its class path once, at its first
# class-path-wide resource lookup (Log4j's plug-ins, a ServiceLoader): a report of the quickstart took 1.70 s on
# the whole class path and 1.48 s on this one. Every other command keeps RATELAB_CP and RATELAB_JVM_OPTS.
ratelab_command() {
  case "${1:-}" in
    report)
      RATELAB_CP="${RATELAB_LOCAL_CP:-$RATELAB_CP}"
      RATELAB_JVM_OPTS="$RATELAB_LOCAL_JVM_OPTS" ;;
  esac
}

# JDK 17 leaves every class of a signed jar out of a class-data sharing archive ("Skipping ...: Signed JAR"), and
# Spark's code generator, Janino, ships signed: each command that ran a query read and verified its ~360 classes
# from the jar again. Writes to $2 the class path of the file $1 with each signed jar replaced by a copy in $3
# that has no signature files (org.ratelab.job.UnsignedJars); if that fails, the class path as it was.
ratelab_unsigned() {
  if ! java -cp "$RATELAB_HOME/target/classes" org.ratelab.job.UnsignedJars "$1" "$3" > "$2.$$" 2>/dev/null; then
    cp "$1" "$2.$$"
  fi
  mv -f "$2.$$" "$2"
}

# The JIT of a command. report, sql, checks, plan, kinds and env are short: nearly all their time is loading
# classes and running code a few times, which the optimizing compiler (C2) compiles on the second core at a cost
# it never earns back (a report of the quickstart: 1.5 s and 2.7 s of CPU with it, 1.0 s and 1.6 s without; a
# count in sql: 3.8 s against 2.4 s; a join and a median over 180,000 curve rows: 5.6 s against 4.1 s; plan of
# 10^6 runs: 0.83 s against 0.55 s). So they run with the quick compiler (C1) only. run, reproduce and the
# benches keep both: training is the hot loop C2 exists for.
# run and reproduce raise C2's thresholds threefold (RATELAB_JIT_TIER4): in a job, C2 compiled a wide spread of
# warm code (Spark's closure cleaner and task serialization, Parquet's writers and readers, the analysis) that
# runs a few thousand times: in a 10^5-run grid its one thread took 18 s of CPU on 2 cores (JFR), a fifth of
# the job. The training kernels and the bootstraps run millions of times and still reach C2 within the first
# second; methods that stay below the thresholds keep C1's code. grid_scale: the job 3 s faster (69.6 and
# 72.4 s against 73.2 and 75.1 s, alternating; README, Performance).
# RATELAB_JIT=full gives every command both compilers at their default thresholds (a query that runs for minutes
# over a big output); a -XX flag in RATELAB_JAVA_OPTS comes later on the java line and wins. Sets
# RATELAB_JIT_OPTS.
RATELAB_JIT_TIER4="-XX:Tier4InvocationThreshold=15000 -XX:Tier4MinInvocationThreshold=1800 -XX:Tier4CompileThreshold=45000 -XX:Tier4BackEdgeThreshold=120000"
# The short commands also use the serial collector (-XX:+UseSerialGC: no concurrent collector threads competing
# for the second core, cheaper write barriers; sql 0.96x, report 0.97x in farm-bench pairs), and ask for
# transparent huge pages for their heap (-XX:+UseTransparentHugePages) where Linux offers them on request
# (/sys/kernel/mm/transparent_hugepage/enabled: [madvise] or [always]): a short command touches most of its heap
# once, and a fault per 4 KB page was a visible part of it (sql 0.95x, report 0.92x). Where Linux does not offer
# them the flag is left out, since the JVM would print a warning on stdout, where sql writes its answer.
# RATELAB_JIT=full also gives them the default collector and pages (a query that runs for minutes).
ratelab_jit() {
  RATELAB_JIT_OPTS=""
  [ "${RATELAB_JIT:-}" = "full" ] && return 0
  case "${1:-}" in
    report|sql|checks|plan|kinds|env)
      RATELAB_JIT_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
      if grep -qE '\[(always|madvise)\]' "${RATELAB_THP_SYSFILE:-/sys/kernel/mm/transparent_hugepage/enabled}" 2>/dev/null; then
        RATELAB_JIT_OPTS="$RATELAB_JIT_OPTS -XX:+UseTransparentHugePages"
      fi ;;
    run|reproduce) RATELAB_JIT_OPTS="$RATELAB_JIT_TIER4" ;;
  esac
}

# Class-data sharing: the first use of a command (run, sql, report, ...) lists every class it loads
# (-XX:DumpLoadedClassList); when it exits 0, a JVM in the background turns that list into a static archive
# (-Xshare:dump, about 40-200 MB under target/cds/, 5-20 s of one core, the command does not wait for it). Later
# uses of that command map it (-XX:SharedArchiveFile) instead of loading, verifying and linking some 17,000
# classes from ~200 jars again. Not a dynamic archive (-XX:ArchiveClassesAtExit): JDK 17's keeps the "queued for
# compilation" mark of every method that was in the JIT's queue when the dumping JVM exited (JDK-8306460, fixed in
# 21), and in every later JVM those methods stay interpreted, e.g. the bootstrap of the laws and summaries, 20-40x
# slower. The archive's name holds a checksum of the JVM, the project's JVM flags and the classpath with each jar's
# size and time, so a rebuild or another JDK makes a new one (the old one of that command is removed); the JVM
# itself ignores an archive that does not fit the flags of RATELAB_JAVA_OPTS. Off with RATELAB_CDS=0, and
# whenever the classpath has a directory (the JVM archives jars only). The JVM's own log lines go to stderr, never
# to stdout (where sql writes its result), and CDS's are off. Sets RATELAB_CDS_OPTS, and RATELAB_CDS_LIST (the
# class list being written, kept only if the command succeeds) with RATELAB_CDS_ARCHIVE (the archive's name).
ratelab_cds() {
  RATELAB_CDS_OPTS=""
  RATELAB_CDS_LIST=""
  RATELAB_CDS_ARCHIVE=""
  [ "${RATELAB_CDS:-1}" = "0" ] && return 0
  # JDK 17 crashes mapping a static archive's classes while an agent or JFR hooks class loading
  case " ${RATELAB_JAVA_OPTS:-} ${JAVA_TOOL_OPTIONS:-} " in
    *" -javaagent"*|*" -agentlib"*|*" -agentpath"*|*StartFlightRecording*) return 0 ;;
  esac
  local cmd="${1:-none}" arg entry
  case "$cmd" in *[!a-z-]*|"") cmd=other ;; esac
  local jars=()
  local IFS=:
  for entry in $RATELAB_CP; do
    [ -d "$entry" ] && return 0
    [ -f "$entry" ] && jars+=("$entry")
  done
  unset IFS
  local java_bin dir key
  java_bin=$(readlink -f "$(command -v java)") || return 0
  dir="${RATELAB_CDS_DIR:-$RATELAB_HOME/target/cds}"
  key=$( { printf '%s\n' static "$java_bin" "$RATELAB_JVM_OPTS" "$RATELAB_CP"; \
           stat -c '%n %s %Y' "$java_bin" "${jars[@]}"; } | cksum | cut -d' ' -f1)
  RATELAB_CDS_ARCHIVE="$dir/$cmd-$key.jsa"
  if [ -s "$RATELAB_CDS_ARCHIVE" ]; then
    RATELAB_CDS_OPTS="-XX:SharedArchiveFile=$RATELAB_CDS_ARCHIVE $(ratelab_cds_log)"
    return 0
  fi
  shift || true
  for arg in "$@"; do  # a help screen loads too little to be worth an archive
    case "$arg" in -h|--help|--version|help) return 0 ;; esac
  done
  mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || return 0
  # one dump at a time per archive: a first use while another one's dump runs (for under 10 minutes) lists nothing
  [ -n "$(find "$dir" -maxdepth 1 -name ".$cmd-$key.*.pending" -mmin -10 -print -quit 2>/dev/null)" ] && return 0
  ratelab_cds_sweep "$dir"
  RATELAB_CDS_LIST="$dir/.$cmd-$key.$$.classlist"
  RATELAB_CDS_OPTS="-XX:DumpLoadedClassList=$RATELAB_CDS_LIST"
}

# Removes what a command or a dump killed half-way left in the archive directory: a class list, a dump's marker or
# its partial archive, untouched for 10 minutes and named by a launcher (.CMD-KEY.PID.*) no longer running.
ratelab_cds_sweep() {
  local f pid
  while IFS= read -r f; do
    pid="${f%.*}"; pid="${pid##*.}"
    case "$pid" in ''|*[!0-9]*) continue ;; esac
    # running: kill -0 sees this user's processes, ps (where installed) another user's too
    kill -0 "$pid" 2>/dev/null || ps -p "$pid" > /dev/null 2>&1 || rm -f "$f"
  done < <(find "$1" -maxdepth 1 \( -name '.*.classlist' -o -name '.*.pending' -o -name '.*.dumping' \) \
             -mmin +10 2>/dev/null)
}

ratelab_cds_log() {
  printf '%s' "-Xlog:disable -Xlog:all=warning:stderr -Xlog:cds*=off:stderr"
}

# After a command that listed its classes: if it exited 0, dumps the archive from the list in the background
# (under a temporary name, then renamed into place, replacing the command's older archives); else drops the list.
# RATELAB_CDS_WAIT=1 waits for the dump (tests).
ratelab_cds_keep() {
  local rc="$1"
  [ -n "$RATELAB_CDS_LIST" ] || return 0
  if [ "$rc" != 0 ] || [ ! -s "$RATELAB_CDS_LIST" ]; then
    rm -f "$RATELAB_CDS_LIST"
    return 0
  fi
  local list="$RATELAB_CDS_LIST" archive="$RATELAB_CDS_ARCHIVE"
  local new="${list%.classlist}.dumping" pending="${list%.classlist}.pending"
  : > "$pending"
  (
    if java $RATELAB_JVM_OPTS -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$new" \
        $(ratelab_cds_log) -cp "$RATELAB_CP" > /dev/null 2>&1 && [ -s "$new" ]; then
      local base
      base=$(basename "$archive")
      find "$(dirname "$archive")" -maxdepth 1 -name "${base%-*}-*.jsa" ! -name "$base" -delete 2>/dev/null
      mv -f "$new" "$archive"
    fi
    rm -f "$list" "$new" "$pending"
  ) < /dev/null > /dev/null 2>&1 &
  if [ "${RATELAB_CDS_WAIT:-0}" = 1 ]; then wait; fi
}

# The sql query server (org.ratelab.job.SqlServer): a sql answered in a JVM of its own leaves a server behind it, a
# JVM that keeps one local Spark session warm, and the next sql in the same setting is handed to it by a small
# client (org.ratelab.job.SqlClient, a JVM without Spark that starts in a few tenths of a second): the query then
# costs what the query costs, not a JVM and a Spark session started again. One server per setting: the build (its class path,
# each jar's size and time), the java binary, the JVM flags, the environment that Java, Spark, Hadoop or ratelab
# read, and the working directory (relative paths in a command mean what they would mean in a JVM of its own) all
# go into the socket's name. It answers one query at a time, each in a new session of its own (its views and
# settings, the tables' files listed again), and ends after RATELAB_SQL_SERVER_IDLE seconds without a query
# (default 600). Not with --master (the server's session is local), a help screen, or RATELAB_SQL_SERVER=0. The
# sockets and the servers' logs are under RATELAB_SQL_SERVER_DIR (default $XDG_RUNTIME_DIR, else $TMPDIR or /tmp,
# /ratelab-UID; a directory of this user's alone, else no server). Sets RATELAB_SQL_SOCKET ('' when sql is not
# served).
ratelab_sql_server() {
  RATELAB_SQL_SOCKET=""
  [ "${RATELAB_SQL_SERVER:-1}" = "0" ] && return 0
  [ "${1:-}" = "sql" ] || return 0
  case "${RATELAB_SQL_SERVER_IDLE:-600}" in
    ''|*[!0-9]*|0)
      echo "ratelab: RATELAB_SQL_SERVER_IDLE must be a whole number of seconds, got '${RATELAB_SQL_SERVER_IDLE}'; no query server" >&2
      return 0 ;;
  esac
  local arg entry
  for arg in "$@"; do
    case "$arg" in -h|--help|-V|--version|--master|--master=*) return 0 ;; esac
  done
  local dir="${RATELAB_SQL_SERVER_DIR:-${XDG_RUNTIME_DIR:-${TMPDIR:-/tmp}}/ratelab-$(id -u)}"
  mkdir -p "$dir" 2>/dev/null || return 0
  [ -O "$dir" ] && [ ! -L "$dir" ] && chmod 700 "$dir" 2>/dev/null || return 0
  local jars=()
  local IFS=:
  for entry in $RATELAB_CP; do [ -f "$entry" ] && jars+=("$entry"); done
  unset IFS
  local key
  key=$( { printf '%s\n' sql-server "$(readlink -f "$(command -v java)")" "$RATELAB_JVM_OPTS" "${RATELAB_JAVA_OPTS:-}" \
             "$RATELAB_CP" "$PWD"; \
           env | grep -E '^(RATELAB_|SPARK_|HADOOP_|JAVA_|JDK_JAVA_OPTIONS=|_JAVA_OPTIONS=|OPENBLAS_|TZ=|LANG=|LC_|HOME=|USER=|TMPDIR=|AWS_|KRB5|CLASSPATH=|LD_LIBRARY_PATH=|PATH=)' \
             | grep -vE '^RATELAB_(SQL_SERVER_IDLE|CDS_WAIT)=' | sort; \
           [ ${#jars[@]} -eq 0 ] || stat -c '%n %s %Y' "${jars[@]}"; } | cksum | cut -d' ' -f1) || return 0
  RATELAB_SQL_SOCKET="$dir/sql-$key.sock"
}

# Hands the command line to the query server of RATELAB_SQL_SOCKET when one listens there; exits with the
# command's status. Returns (and the launcher runs the command itself) when none answered and nothing ran.
ratelab_sql_served() {
  [ -n "$RATELAB_SQL_SOCKET" ] && [ -S "$RATELAB_SQL_SOCKET" ] || return 0
  # the client needs ratelab's classes alone; a JVM given the whole class path takes 0.2-0.4 s longer to start
  local cp="$RATELAB_CP" rc=0
  [ -z "${RATELAB_CLASSPATH:-}" ] && [ -f "$RATELAB_HOME/target/ratelab-classes.jar" ] && cp="$RATELAB_HOME/target/ratelab-classes.jar"
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -cp "$cp" org.ratelab.job.SqlClient \
    "$RATELAB_SQL_SOCKET" "$@" || rc=$?
  [ "$rc" = 75 ] && return 0
  exit "$rc"
}

# After a sql that succeeded in a JVM of its own: starts the query server for its setting in the background
# (unless one is there or starting), detached from the terminal and from the command's output streams; it warms
# up on the command line that just ran ($2...). An idle server hands its unused heap back (G1's periodic collection).
ratelab_sql_server_start() {
  [ "$1" = 0 ] && [ -n "$RATELAB_SQL_SOCKET" ] || return 0
  [ -S "$RATELAB_SQL_SOCKET" ] && return 0
  local lock="$RATELAB_SQL_SOCKET.starting"
  [ -n "$(find "$lock" -mmin -1 -print 2>/dev/null)" ] && return 0
  : > "$lock" || return 0
  local detach=""
  command -v setsid > /dev/null 2>&1 && detach=setsid
  (
    $detach java $RATELAB_JVM_OPTS -XX:G1PeriodicGCInterval=60000 ${RATELAB_JAVA_OPTS:--Xmx8g} \
      -Dratelab.home="$RATELAB_HOME" -cp "$RATELAB_CP" org.ratelab.job.SqlServer "$RATELAB_SQL_SOCKET" \
      "${RATELAB_SQL_SERVER_IDLE:-600}" "${@:2}" > "${RATELAB_SQL_SOCKET%.sock}.log" 2>&1
    rm -f "$lock"
  ) < /dev/null > /dev/null 2>&1 &
}

# Builds target/ratelab-app.jar (the application jar jobs/submit ships) when missing or older than the sources.
ratelab_package() {
  local jar="$RATELAB_HOME/target/ratelab-app.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$RATELAB_HOME/src/main" "$RATELAB_HOME/conf" "$RATELAB_HOME/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    echo "ratelab: packaging target/ratelab-app.jar (first use or sources changed)..." >&2
    mkdir -p "$RATELAB_HOME/target"
    if ! (cd "$RATELAB_HOME" && mvn -B -q -Dstyle.color=never -DskipTests package) > "$RATELAB_HOME/target/build.log" 2>&1; then
      cat "$RATELAB_HOME/target/build.log" >&2
      echo "ratelab: build failed (log: target/build.log)" >&2
      exit 1
    fi
  fi
}
