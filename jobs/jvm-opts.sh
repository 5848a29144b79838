# Sourced by the launchers: the JVM flags Spark 4.1 needs on Java 17, read from pom.xml (one place).
RATELAB_HOME="${RATELAB_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
RATELAB_JVM_OPTS=$(sed -n 's:.*<spark.jvm.opts>\(.*\)</spark.jvm.opts>.*:\1:p' "$RATELAB_HOME/pom.xml")
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# Builds target/classes (with the packed conf files), target/classpath.txt and target/ratelab-classes.jar (the
# classes as one jar: class-data sharing archives jars only) when missing or older than the sources. With
# RATELAB_CLASSPATH set (tests, an installed copy), uses that classpath and builds nothing.
ratelab_build() {
  if [ -n "${RATELAB_CLASSPATH:-}" ]; then
    RATELAB_CP="$RATELAB_CLASSPATH"
    return 0
  fi
  local stamp="$RATELAB_HOME/target/classpath.txt"
  local jar="$RATELAB_HOME/target/ratelab-classes.jar"
  if [ ! -f "$stamp" ] || [ ! -f "$jar" ] || [ "$stamp" -nt "$jar" ] \
      || [ -n "$(find "$RATELAB_HOME/src/main" "$RATELAB_HOME/pom.xml" -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    echo "ratelab: building (first use or sources changed)..." >&2
    mkdir -p "$RATELAB_HOME/target"
    if ! (cd "$RATELAB_HOME" && mvn -B -q -Dstyle.color=never -DskipTests compile dependency:build-classpath \
        -Dmdep.outputFile=target/classpath.txt) > "$RATELAB_HOME/target/build.log" 2>&1; then
      cat "$RATELAB_HOME/target/build.log" >&2
      echo "ratelab: build failed (log: target/build.log)" >&2
      exit 1
    fi
    touch "$stamp"  # build-classpath leaves an unchanged file as it was
    rm -f "$jar.$$"
    (cd "$RATELAB_HOME/target/classes" && jar cf "$jar.$$" .) && mv -f "$jar.$$" "$jar"
  fi
  RATELAB_CP="$jar:$(cat "$stamp")"
}

# The JIT of a command. report, sql, checks, plan, kinds and env are short: nearly all their time is loading
# classes and running code a few times, which the optimizing compiler (C2) compiles on the second core at a cost
# it never earns back (a report of the quickstart: 1.5 s and 2.7 s of CPU with it, 1.0 s and 1.6 s without; a
# count in sql: 3.8 s against 2.4 s; a join and a median over 180,000 curve rows: 5.6 s against 4.1 s; plan of
# 10^6 runs: 0.83 s against 0.55 s). So they run with the quick compiler (C1) only. run, reproduce and the
# benches keep both: training is the hot loop C2 exists for.
# RATELAB_JIT=full gives every command both (a query that runs for minutes over a big output); a
# -XX:TieredStopAtLevel in RATELAB_JAVA_OPTS comes later on the java line and wins. Sets RATELAB_JIT_OPTS.
ratelab_jit() {
  RATELAB_JIT_OPTS=""
  [ "${RATELAB_JIT:-}" = "full" ] && return 0
  case "${1:-}" in
    report|sql|checks|plan|kinds|env) RATELAB_JIT_OPTS="-XX:TieredStopAtLevel=1" ;;
  esac
}

# Class-data sharing: the first use of a command (run, sql, report, ...) writes an archive of every class it
# loaded (-XX:ArchiveClassesAtExit, about 40-200 MB under target/cds/); later uses of that command map it
# (-XX:SharedArchiveFile) instead of loading, verifying and linking some 17,000 classes from ~200 jars again.
# The archive's name holds a checksum of the JVM, the project's JVM flags and the classpath with each jar's size
# and time, so a rebuild or another JDK makes a new one (the old one of that command is removed); the JVM itself
# ignores an archive that does not fit the flags of RATELAB_JAVA_OPTS. Off with RATELAB_CDS=0, and
# whenever the classpath has a directory (the JVM archives jars only). The JVM's own log lines go to stderr, never
# to stdout (where sql writes its result), and CDS's are off. Sets RATELAB_CDS_OPTS, and RATELAB_CDS_NEW (the
# archive being written, kept only if the command succeeds) with RATELAB_CDS_ARCHIVE (its final name).
ratelab_cds() {
  RATELAB_CDS_OPTS=""
  RATELAB_CDS_NEW=""
  RATELAB_CDS_ARCHIVE=""
  [ "${RATELAB_CDS:-1}" = "0" ] && return 0
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
  key=$( { printf '%s\n' "$java_bin" "$RATELAB_JVM_OPTS" "$RATELAB_CP"; \
           stat -c '%n %s %Y' "$java_bin" "${jars[@]}"; } | cksum | cut -d' ' -f1)
  RATELAB_CDS_ARCHIVE="$dir/$cmd-$key.jsa"
  local log="-Xlog:disable -Xlog:all=warning:stderr -Xlog:cds*=off:stderr"
  if [ -s "$RATELAB_CDS_ARCHIVE" ]; then
    RATELAB_CDS_OPTS="-XX:SharedArchiveFile=$RATELAB_CDS_ARCHIVE $log"
    return 0
  fi
  shift || true
  for arg in "$@"; do  # a help screen loads too little to be worth an archive
    case "$arg" in -h|--help|--version|help) return 0 ;; esac
  done
  mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || return 0
  RATELAB_CDS_NEW="$dir/.$cmd-$key.$$.jsa"
  RATELAB_CDS_OPTS="-XX:ArchiveClassesAtExit=$RATELAB_CDS_NEW $log"
}

# After a command that wrote an archive: keeps it under its final name if the command exited 0 (replacing the
# command's older archives), else drops it.
ratelab_cds_keep() {
  local rc="$1"
  [ -n "$RATELAB_CDS_NEW" ] || return 0
  if [ "$rc" = 0 ] && [ -s "$RATELAB_CDS_NEW" ]; then
    local base
    base=$(basename "$RATELAB_CDS_ARCHIVE")
    find "$(dirname "$RATELAB_CDS_ARCHIVE")" -maxdepth 1 -name "${base%-*}-*.jsa" ! -name "$base" -delete 2>/dev/null
    mv -f "$RATELAB_CDS_NEW" "$RATELAB_CDS_ARCHIVE"
  else
    rm -f "$RATELAB_CDS_NEW"
  fi
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
