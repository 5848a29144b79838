package org.ratelab.model;

import org.ratelab.data.Dataset;

/** Label checks shared by the classification losses (logistic regression, Cox 1958). */
final class Labels {
    private Labels() {}

    /** Fails unless every training and test label is ±1, naming the first offending sample. */
    static void requireSigns(Dataset data, String who) {
        for (int i = 0; i < data.n(); i++) {
            if (data.y()[i] != 1.0 && data.y()[i] != -1.0) {
                throw new IllegalArgumentException(who + " needs labels ±1, got y[" + i + "]=" + data.y()[i]
                        + " (use teacher_student labels: sign, file task: binary, or digits zero_vs_one/even_odd)");
            }
        }
        for (int i = 0; i < data.nTest(); i++) {
            if (data.yTest()[i] != 1.0 && data.yTest()[i] != -1.0) {
                throw new IllegalArgumentException(who + " needs labels ±1, got yTest[" + i + "]=" + data.yTest()[i]);
            }
        }
    }
}
