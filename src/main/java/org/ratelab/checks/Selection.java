package org.ratelab.checks;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.ratelab.fits.FitSpec;

/**
 * What a check kind observes over: the runs its check's {@code where} selects, the tables (rates, curves and
 * bounds may be null), the fits section and the grid's zip links. The count of selected runs and the scope
 * text of details ({@code "optimizer.name=gd : 4 runs"}) are computed when first asked for.
 */
public final class Selection {
    private final CheckSpec check;
    private final Dataset<Row> all;
    private final Dataset<Row> runs;
    private final Dataset<Row> rates;
    private final Dataset<Row> curves;
    private final Dataset<Row> bounds;
    private final FitSpec fit;
    private final Map<String, Set<String>> links;
    private long n = -1;

    Selection(CheckSpec check, Dataset<Row> all, Dataset<Row> rates, Dataset<Row> curves, Dataset<Row> bounds,
              FitSpec fit, Map<String, Set<String>> links) {
        this.check = check;
        this.all = all;
        this.runs = all.where(Checks.where(check.where()));
        this.rates = rates;
        this.curves = curves;
        this.bounds = bounds;
        this.fit = fit;
        this.links = links;
    }

    /** The check's name (a side of a compare: its key path), which seeds its bootstrap. */
    public String name() { return check.name(); }

    /** The selected runs (rows of the runs table). */
    public Dataset<Row> runs() { return runs; }

    /** How many runs are selected. */
    public long n() {
        if (n < 0) n = runs.count();
        return n;
    }

    /** The selection as details print it: the {@code where} values and the run count. */
    public String scope() {
        return Checks.describe(check.where()) + n() + " runs";
    }

    public Dataset<Row> rates() { return rates; }

    public Dataset<Row> curves() { return curves; }

    public Dataset<Row> bounds() { return bounds; }

    public FitSpec fit() { return fit; }

    public Map<String, Set<String>> links() { return links; }

    /** The observed numbers of a check evaluated over its own selection of the same tables (a compare's sides). */
    public List<Observed> observe(CheckSpec other) {
        return new Selection(other, all, rates, curves, bounds, fit, links).observe();
    }

    List<Observed> observe() {
        return check.target().observe(this);
    }
}
