using System.Numerics;

namespace Pmm.Core.Benchmarks;

/// <summary>
/// Finds what a caller can work out by combining published figures (README, "Disclosure control"). Each published
/// cell reveals the sum of its values (n·mean) and which values are in it; a caller can add and subtract such sums
/// freely. A value or a sum of values is revealed exactly when its indicator vector lies in the row space of the
/// cells' incidence matrix. Values that every cell treats alike (an "atom": same cells) can never be told apart, so the
/// check runs on atoms, in exact rational arithmetic.
/// </summary>
static class DifferencingCheck
{
    /// <summary>
    /// The values that take part in a disclosure: (a) a set of fewer than <paramref name="threshold"/> values whose sum
    /// the cells reveal, or (b) a value a Member can work out from the cells together with its own values
    /// (<paramref name="owners"/>: the Member each value belongs to). Empty when the cells are safe.
    /// </summary>
    public static HashSet<int> Exposed(IReadOnlyList<IReadOnlyList<int>> cells, IReadOnlyList<string> owners, int threshold)
    {
        var atoms = Atoms(cells);
        var exposed = new HashSet<int>();
        if (atoms.Count == 0)
        {
            return exposed;
        }

        var residues = Residues(cells, atoms);
        var small = Cancellable(residues, [.. Enumerable.Range(0, atoms.Count).Where(a => atoms[a].Length < threshold)]);
        if (Scaled<long>(residues, threshold) is { } fast)
        {
            FindZeroSums(fast, atoms, small, threshold, exposed);
        }
        else
        {
            FindZeroSums(Scaled<BigInteger>(residues, threshold)!, atoms, small, threshold, exposed);
        }

        FindInsiderDisclosures(residues, atoms, owners, exposed);
        return exposed;
    }

    /// <summary>Values grouped by the set of cells they are in; values in no cell reveal nothing and are left out.</summary>
    static List<int[]> Atoms(IReadOnlyList<IReadOnlyList<int>> cells)
    {
        var memberships = new SortedDictionary<int, List<int>>();
        for (var c = 0; c < cells.Count; c++)
        {
            foreach (var v in cells[c])
            {
                if (!memberships.TryGetValue(v, out var list))
                {
                    memberships[v] = list = [];
                }

                list.Add(c);
            }
        }

        return [.. memberships
            .GroupBy(m => string.Join(',', m.Value), m => m.Key, StringComparer.Ordinal)
            .Select(g => g.ToArray())
            .OrderBy(a => a[0])];
    }

    /// <summary>
    /// For each atom, its residue: the coordinates of its indicator modulo the row space (Gauss-Jordan elimination of the
    /// cells × atoms matrix; coordinates on the non-pivot columns). A combination of atoms is revealed exactly when the
    /// same combination of their residues is zero.
    /// </summary>
    static Fraction[][] Residues(IReadOnlyList<IReadOnlyList<int>> cells, List<int[]> atoms)
    {
        var m = new Fraction[cells.Count][];
        for (var c = 0; c < cells.Count; c++)
        {
            var members = cells[c] as IReadOnlySet<int> ?? new HashSet<int>(cells[c]);
            m[c] = [.. atoms.Select(a => members.Contains(a[0]) ? Fraction.One : Fraction.Zero)];
        }

        var pivotRowOfColumn = new int[atoms.Count];
        Array.Fill(pivotRowOfColumn, -1);
        var row = 0;
        for (var col = 0; col < atoms.Count && row < m.Length; col++)
        {
            var pivot = row;
            while (pivot < m.Length && m[pivot][col].IsZero)
            {
                pivot++;
            }

            if (pivot == m.Length)
            {
                continue;
            }

            (m[row], m[pivot]) = (m[pivot], m[row]);
            var inverse = m[row][col].Reciprocal();
            for (var j = col; j < atoms.Count; j++)
            {
                m[row][j] *= inverse;
            }

            for (var i = 0; i < m.Length; i++)
            {
                if (i != row && !m[i][col].IsZero)
                {
                    var factor = m[i][col];
                    for (var j = col; j < atoms.Count; j++)
                    {
                        m[i][j] -= factor * m[row][j];
                    }
                }
            }

            pivotRowOfColumn[col] = row++;
        }

        var free = Enumerable.Range(0, atoms.Count).Where(c => pivotRowOfColumn[c] < 0).ToArray();
        var residues = new Fraction[atoms.Count][];
        for (var a = 0; a < atoms.Count; a++)
        {
            residues[a] = pivotRowOfColumn[a] is var r and >= 0
                ? [.. free.Select(f => -m[r][f])]
                : [.. free.Select(f => f == a ? Fraction.One : Fraction.Zero)];
        }

        return residues;
    }

    /// <summary>
    /// The candidate atoms that can be part of a zero sum: an atom that is alone among the candidates in having a nonzero
    /// residue coordinate can never be cancelled (except when its residue is zero altogether), so it is dropped, until
    /// no more can be.
    /// </summary>
    static List<int> Cancellable(Fraction[][] residues, List<int> candidates)
    {
        while (true)
        {
            var width = residues.Length == 0 ? 0 : residues[0].Length;
            var users = new int[width];
            foreach (var a in candidates)
            {
                for (var f = 0; f < width; f++)
                {
                    users[f] += residues[a][f].IsZero ? 0 : 1;
                }
            }

            var kept = candidates.Where(a => !Enumerable.Range(0, width).Any(f => users[f] == 1 && !residues[a][f].IsZero)).ToList();
            if (kept.Count == candidates.Count)
            {
                return kept;
            }

            candidates = kept;
        }
    }

    /// <summary>
    /// The residues multiplied by their common denominator, in <typeparamref name="T"/>; null when a sum of
    /// <paramref name="threshold"/> of them might not fit (then the caller uses big integers).
    /// </summary>
    static T[][]? Scaled<T>(Fraction[][] residues, int threshold)
        where T : IBinaryInteger<T>
    {
        var common = BigInteger.One;
        foreach (var entry in residues.SelectMany(r => r))
        {
            common = common / BigInteger.GreatestCommonDivisor(common, entry.Denominator) * entry.Denominator;
        }

        var limit = typeof(T) == typeof(BigInteger) ? (BigInteger?)null : (BigInteger)long.MaxValue / threshold;
        var scaled = new T[residues.Length][];
        for (var a = 0; a < residues.Length; a++)
        {
            scaled[a] = new T[residues[a].Length];
            for (var f = 0; f < residues[a].Length; f++)
            {
                var value = residues[a][f].Numerator * (common / residues[a][f].Denominator);
                if (limit is { } l && BigInteger.Abs(value) > l)
                {
                    return null;
                }

                scaled[a][f] = T.CreateChecked(value);
            }
        }

        return scaled;
    }

    /// <summary>(a): every set of atoms with fewer than <paramref name="threshold"/> values in all whose residues sum to zero.</summary>
    static void FindZeroSums<T>(T[][] residues, List<int[]> atoms, List<int> small, int threshold, HashSet<int> exposed)
        where T : IBinaryInteger<T>
    {
        var width = residues.Length == 0 ? 0 : residues[0].Length;
        var sums = new T[threshold][];
        for (var depth = 0; depth < threshold; depth++)
        {
            sums[depth] = new T[width];
        }

        var chosen = new int[threshold];
        Search(0, 0, 0);

        void Search(int from, int depth, int size)
        {
            for (var i = from; i < small.Count; i++)
            {
                var atom = small[i];
                if (size + atoms[atom].Length >= threshold)
                {
                    continue;
                }

                var sum = sums[depth + 1];
                var zero = true;
                for (var f = 0; f < width; f++)
                {
                    sum[f] = sums[depth][f] + residues[atom][f];
                    zero &= T.IsZero(sum[f]);
                }

                chosen[depth] = atom;
                if (zero)
                {
                    for (var d = 0; d <= depth; d++)
                    {
                        exposed.UnionWith(atoms[chosen[d]]);
                    }
                }

                Search(i + 1, depth + 1, size + atoms[atom].Length);
            }
        }
    }

    /// <summary>
    /// (b): a Member knows its own values. A value u of another Member is revealed when e_u − Σ c_v·e_v (v the Member's
    /// own values) lies in the row space. Row-space vectors are constant on atoms, so every atom the combination touches is
    /// either one of the Member's values alone, or u alone, or u with one of the Member's values. Hence: u's lone atom, or
    /// the pair atom {own value, u}, has a residue that is a combination of the residues of the Member's lone atoms.
    /// </summary>
    static void FindInsiderDisclosures(Fraction[][] residues, List<int[]> atoms, IReadOnlyList<string> owners, HashSet<int> exposed)
    {
        var lone = Enumerable.Range(0, atoms.Count).Where(a => atoms[a].Length == 1).ToList();
        var pairs = Enumerable.Range(0, atoms.Count).Where(a => atoms[a].Length == 2 && owners[atoms[a][0]] != owners[atoms[a][1]]).ToList();
        foreach (var own in lone.GroupBy(a => owners[atoms[a][0]], StringComparer.Ordinal))
        {
            var known = own.Select(a => residues[a]).ToList();
            var rank = Rank(known);
            var targets = lone.Where(a => owners[atoms[a][0]] != own.Key)
                .Concat(pairs.Where(a => owners[atoms[a][0]] == own.Key || owners[atoms[a][1]] == own.Key));
            foreach (var target in targets)
            {
                if (Rank([.. known, residues[target]]) == rank)
                {
                    exposed.UnionWith(atoms[target]);
                    exposed.UnionWith(own.Select(a => atoms[a][0]));
                }
            }
        }
    }

    static int Rank(List<Fraction[]> vectors)
    {
        var m = vectors.Select(v => (Fraction[])v.Clone()).ToArray();
        var width = m.Length == 0 ? 0 : m[0].Length;
        var rank = 0;
        for (var col = 0; col < width && rank < m.Length; col++)
        {
            var pivot = rank;
            while (pivot < m.Length && m[pivot][col].IsZero)
            {
                pivot++;
            }

            if (pivot == m.Length)
            {
                continue;
            }

            (m[rank], m[pivot]) = (m[pivot], m[rank]);
            for (var i = rank + 1; i < m.Length; i++)
            {
                if (!m[i][col].IsZero)
                {
                    var factor = m[i][col] / m[rank][col];
                    for (var j = col; j < width; j++)
                    {
                        m[i][j] -= factor * m[rank][j];
                    }
                }
            }

            rank++;
        }

        return rank;
    }

    /// <summary>An exact rational number, always reduced, with a positive denominator.</summary>
    readonly record struct Fraction
    {
        public static readonly Fraction Zero = new(BigInteger.Zero, BigInteger.One);
        public static readonly Fraction One = new(BigInteger.One, BigInteger.One);

        Fraction(BigInteger numerator, BigInteger denominator)
        {
            Numerator = numerator;
            Denominator = denominator;
        }

        public BigInteger Numerator { get; }

        public BigInteger Denominator { get; }

        public bool IsZero => Numerator.IsZero;

        static Fraction Of(BigInteger numerator, BigInteger denominator)
        {
            if (denominator.Sign < 0)
            {
                (numerator, denominator) = (-numerator, -denominator);
            }

            var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
            return gcd.IsOne || gcd.IsZero ? new(numerator, denominator) : new(numerator / gcd, denominator / gcd);
        }

        public Fraction Reciprocal() => Of(Denominator, Numerator);

        public static Fraction operator -(Fraction a) => new(-a.Numerator, a.Denominator);

        public static Fraction operator *(Fraction a, Fraction b) => Of(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

        public static Fraction operator /(Fraction a, Fraction b) => Of(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

        public static Fraction operator -(Fraction a, Fraction b) => Of((a.Numerator * b.Denominator) - (b.Numerator * a.Denominator), a.Denominator * b.Denominator);
    }
}
