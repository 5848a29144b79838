package org.ratelab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ratelab.data.Dataset;
import org.ratelab.model.Model;
import org.ratelab.model.Models;
import org.ratelab.optim.Block;
import org.ratelab.spec.Node;

/** The layout the trainer's oracle hands the optimizer: the model's blocks with their shapes. */
class MeasuringOracleBlocksTest {
    static Model model(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        SplittableRandom r = new SplittableRandom(1);
        double[] x = new double[7 * 3];
        double[] y = new double[7];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        for (int i = 0; i < y.length; i++) y[i] = r.nextGaussian();
        return Models.parse(new Node("model", m)).instantiate(Dataset.of(7, 3, x, y));
    }

    @Test
    void mlpWeightsAreMatricesOutOfInAndBiasesVectors() {
        Model m = model("kind", "mlp", "depth", 3, "width", 5, "bias", true, "train_layers", "last");
        MeasuringOracle o = new MeasuringOracle(m, new SplittableRandom(2));
        List<Block> b = o.blocks();
        assertEquals(List.of(new Block(0, 5, 3, false), new Block(15, 1, 5, false), new Block(20, 5, 5, false),
                new Block(45, 1, 5, false), new Block(50, 1, 5, true), new Block(55, 1, 1, true)), b);
        assertEquals(m.dim(), 56);
        assertSame(b, o.blocks(), "the same list every call");
    }

    @Test
    void linearModelIsOneVector() {
        Model m = model("kind", "linear_regression");
        assertEquals(List.of(new Block(0, 1, 3, true)), new MeasuringOracle(m, new SplittableRandom(2)).blocks());
    }
}
