# Sourced by the launchers: the JVM flags Spark 4.1 needs on Java 17, read from pom.xml (one place).
RATELAB_HOME="${RATELAB_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
RATELAB_JVM_OPTS=$(sed -n 's:.*<spark.jvm.opts>\(.*\)</spark.jvm.opts>.*:\1:p' "$RATELAB_HOME/pom.xml")
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# Builds target/classes (with the packed conf files) and target/classpath.txt when missing or older than the sources. With
# RATELAB_CLASSPATH set (tests, an installed copy), uses that classpath and builds nothing.
ratelab_build() {
  if [ -n "${RATELAB_CLASSPATH:-}" ]; then
    RATELAB_CP="$RATELAB_CLASSPATH"
    return 0
  fi
  local stamp="$RATELAB_HOME/target/classpath.txt"
  if [ ! -f "$stamp" ] || [ -n "$(find "$RATELAB_HOME/src/main" "$RATELAB_HOME/pom.xml" -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    echo "ratelab: building (first use or sources changed)..." >&2
    mkdir -p "$RATELAB_HOME/target"
    if ! (cd "$RATELAB_HOME" && mvn -B -q -Dstyle.color=never -DskipTests compile dependency:build-classpath \
        -Dmdep.outputFile=target/classpath.txt) > "$RATELAB_HOME/target/build.log" 2>&1; then
      cat "$RATELAB_HOME/target/build.log" >&2
      echo "ratelab: build failed (log: target/build.log)" >&2
      exit 1
    fi
    touch "$stamp"  # build-classpath leaves an unchanged file as it was
  fi
  RATELAB_CP="$RATELAB_HOME/target/classes:$(cat "$stamp")"
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
