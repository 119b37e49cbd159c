using System.Globalization;
using System.Text;

namespace AlertLinker.Analysis;

/// <summary>
/// The seed picture: a small text tree for a monospace block, never more than the options' lines or width.
/// Which spans make it in, in order: the path to the headline (its span, or the parent of the fan-out it names, whose
/// collapsed line is marked "← here"), the path to the error origin, each reported fan-out's
/// parent with one example child (the rest as "… 199 more × …"), then the longest spans that still fit. A path too
/// long to show keeps its root and its lowest spans, with "⋮ N nested spans" in between.
/// </summary>
internal sealed class WaterfallRenderer
{
    private const string HereMarker = " ← here";
    private const string OriginMarker = " ← error origin";
    private const string BothMarker = " ← here, error origin";

    private readonly TraceIndex _index;
    private readonly bool[] _errored;
    private readonly int _here;
    private readonly bool[] _hereGroup;
    private readonly int _origin;
    private readonly IReadOnlyList<FanOutGroup> _groups;
    private readonly int _maxLines;
    private readonly int _maxWidth;

    // Selection state, kept up to date on every Show/Hide so that the line count is O(1) to read.
    private readonly bool[] _shown;
    private readonly int[] _shownChildren;
    private readonly int[] _memberOf;
    private readonly int[] _groupShownMembers;
    private readonly Dictionary<int, List<int>> _groupsAt = [];
    private int _shownCount;
    private int _elisionLines;
    private int _collapseLines;
    private int _summarizedHidden;

    private WaterfallRenderer(TraceIndex index, bool[] errored, int here, IReadOnlySet<int> hereGroups, int origin, IReadOnlyList<FanOutGroup> groups, AnalysisOptions options)
    {
        _index = index;
        _errored = errored;
        _here = here;
        _hereGroup = new bool[groups.Count];
        foreach (var g in hereGroups)
            _hereGroup[g] = true;
        _origin = origin;
        _groups = groups;
        _maxLines = Math.Max(AnalysisOptions.MinWaterfallLines, options.WaterfallMaxLines);
        _maxWidth = Math.Max(AnalysisOptions.MinWaterfallWidth, options.WaterfallMaxWidth);
        _shown = new bool[index.Count];
        _shownChildren = new int[index.Count];
        _memberOf = new int[index.Count];
        Array.Fill(_memberOf, -1);
        _groupShownMembers = new int[groups.Count];
        for (var g = 0; g < groups.Count; g++)
        {
            foreach (var member in groups[g].Members)
                _memberOf[member] = g;
            if (!_groupsAt.TryGetValue(groups[g].Parent, out var at))
                _groupsAt[groups[g].Parent] = at = [];
            at.Add(g);
        }
    }

    /// <param name="here">The headline's span index, or -1 when the headline is a fan-out (or there is none).</param>
    /// <param name="hereGroups">Indexes into <paramref name="groups"/> of the headline fan-out's groups.</param>
    /// <param name="origin">Span index or -1.</param>
    /// <param name="reported">How many of <paramref name="groups"/> (costliest first) are reported fan-outs.</param>
    public static string Render(TraceIndex index, bool[] errored, int here, IReadOnlySet<int> hereGroups, int origin, IReadOnlyList<FanOutGroup> groups, int reported, AnalysisOptions options)
    {
        if (index.Count == 0)
            return "";
        var waterfall = new WaterfallRenderer(index, errored, here, hereGroups, origin, groups, options);
        waterfall.Select(reported);
        return waterfall.Draw();
    }

    private int OtherHidden => _index.Count - _shownCount - _summarizedHidden;

    private int Lines => _shownCount + _elisionLines + _collapseLines + (OtherHidden > 0 ? 1 : 0);

    private void Select(int reported)
    {
        // Leave room for the error origin when it is somewhere else.
        var reserve = _origin >= 0 && _origin != _here ? 3 : 0;
        if (_here >= 0)
            _ = AddPath(_here, _maxLines - reserve, allowElision: true) || AddPath(_here, _maxLines, allowElision: true);
        for (var g = 0; g < _groups.Count; g++)
        {
            if (_hereGroup[g])
            {
                _ = AddGroup(g, _maxLines - reserve) || AddGroup(g, _maxLines);
                break; // one collapsed line is enough to point at; the others are marked when they fit
            }
        }
        if (_origin >= 0)
            AddPath(_origin, _maxLines, allowElision: true);
        for (var g = 0; g < reported && g < _groups.Count; g++)
            AddGroup(g, _maxLines);
        Fill();
    }

    /// <summary>A fan-out's parent (which brings its collapsed line), and one example member when none is shown yet and it fits.</summary>
    private bool AddGroup(int g, int limit)
    {
        if (!AddPath(_groups[g].Parent, limit, allowElision: true))
            return false;
        if (_groupShownMembers[g] == 0)
            AddPath(_groups[g].Members[0], limit, allowElision: false);
        return true;
    }

    /// <summary>The longest spans that fit with their ancestors; members of a collapsed group stay collapsed.</summary>
    private void Fill()
    {
        var n = _index.Count;
        var order = new int[n];
        var keys = new long[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            keys[i] = -_index.Spans[i].Duration.Ticks;
        }
        Array.Sort(keys, order);
        var chain = new List<int>(_maxLines + 1);
        foreach (var candidate in order)
        {
            if (Lines >= _maxLines && OtherHidden > 1)
                break; // every further span costs a line and the trailer stays
            if (_shown[candidate])
                continue;
            chain.Clear();
            var x = candidate;
            var blocked = false;
            while (x >= 0 && !_shown[x])
            {
                if (_memberOf[x] >= 0 || chain.Count >= _maxLines)
                {
                    blocked = true;
                    break;
                }
                chain.Add(x);
                x = _index.Parent[x];
            }
            if (!blocked)
                TryShow(chain);
        }
    }

    /// <summary>Shows the target and its hidden ancestors, or with elision the root and the lowest ones that fit.</summary>
    private bool AddPath(int target, int limit, bool allowElision)
    {
        if (_shown[target])
            return true;
        var chain = new List<int>();
        var x = target;
        while (x >= 0 && !_shown[x])
        {
            chain.Add(x);
            x = _index.Parent[x];
        }
        if (TryShow(chain, limit))
            return true;
        if (!allowElision)
            return false;
        var hasAnchor = x >= 0;
        var keep = new List<int>(limit + 1);
        for (var k = Math.Min(chain.Count - 2, limit); k >= 1; k--)
        {
            keep.Clear();
            keep.AddRange(chain.Take(k));
            if (!hasAnchor)
                keep.Add(chain[^1]); // the root, so that the picture still starts where the request did
            if (TryShow(keep, limit))
                return true;
        }
        return !hasAnchor && TryShow([target], limit);
    }

    private bool TryShow(List<int> nodes, int? limit = null)
    {
        foreach (var node in nodes)
            Show(node);
        if (Lines <= (limit ?? _maxLines))
            return true;
        for (var i = nodes.Count - 1; i >= 0; i--)
            Hide(nodes[i]);
        return false;
    }

    private void Show(int x)
    {
        _shown[x] = true;
        _shownCount++;
        _elisionLines -= _shownChildren[x]; // shown children of x were hanging under an elision line
        var parent = _index.Parent[x];
        if (parent >= 0)
        {
            _shownChildren[parent]++;
            if (!_shown[parent])
                _elisionLines++;
        }
        if (_groupsAt.TryGetValue(x, out var at))
        {
            foreach (var g in at)
            {
                var hidden = _groups[g].Members.Length - _groupShownMembers[g];
                if (hidden > 0)
                {
                    _collapseLines++;
                    _summarizedHidden += hidden;
                }
            }
        }
        if (_memberOf[x] is var group and >= 0)
        {
            if (_shown[_groups[group].Parent])
            {
                _summarizedHidden--;
                if (_groups[group].Members.Length - _groupShownMembers[group] == 1)
                    _collapseLines--;
            }
            _groupShownMembers[group]++;
        }
    }

    private void Hide(int x)
    {
        if (_memberOf[x] is var group and >= 0)
        {
            _groupShownMembers[group]--;
            if (_shown[_groups[group].Parent])
            {
                _summarizedHidden++;
                if (_groups[group].Members.Length - _groupShownMembers[group] == 1)
                    _collapseLines++;
            }
        }
        if (_groupsAt.TryGetValue(x, out var at))
        {
            foreach (var g in at)
            {
                var hidden = _groups[g].Members.Length - _groupShownMembers[g];
                if (hidden > 0)
                {
                    _collapseLines--;
                    _summarizedHidden -= hidden;
                }
            }
        }
        var parent = _index.Parent[x];
        if (parent >= 0)
        {
            _shownChildren[parent]--;
            if (!_shown[parent])
                _elisionLines--;
        }
        _elisionLines += _shownChildren[x];
        _shown[x] = false;
        _shownCount--;
    }

    private enum ItemKind { Span, Elided, Collapsed }

    private readonly record struct Item(ItemKind Kind, int Id, int Levels, long SortKey);

    private string Draw()
    {
        // Each shown span hangs under its nearest shown ancestor (-1: top level), through an elision line if that is not its parent.
        var items = new Dictionary<int, List<Item>>();
        void Add(int under, Item item)
        {
            if (!items.TryGetValue(under, out var list))
                items[under] = list = [];
            list.Add(item);
        }
        // Spans an elision line already counts are not counted again in the trailer.
        var elided = new HashSet<int>();
        for (var x = 0; x < _index.Count; x++)
        {
            if (!_shown[x])
                continue;
            var parent = _index.Parent[x];
            var levels = 0;
            while (parent >= 0 && !_shown[parent])
            {
                levels++;
                elided.Add(parent);
                parent = _index.Parent[parent];
            }
            Add(parent, new Item(levels == 0 ? ItemKind.Span : ItemKind.Elided, x, levels, _index.Start[x]));
        }
        for (var g = 0; g < _groups.Count; g++)
        {
            var group = _groups[g];
            if (!_shown[group.Parent] || _groupShownMembers[g] == group.Members.Length)
                continue;
            // Right after the last shown member, or where the group starts when none is shown.
            var key = _index.Start[group.Members[0]];
            foreach (var member in group.Members)
            {
                if (_shown[member])
                    key = Math.Max(key, _index.Start[member]);
            }
            Add(group.Parent, new Item(ItemKind.Collapsed, g, 0, key));
        }
        foreach (var list in items.Values)
            list.Sort((a, b) => a.SortKey != b.SortKey ? a.SortKey.CompareTo(b.SortKey) : a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : a.Id.CompareTo(b.Id));

        var lines = new List<string>(_maxLines);
        DrawChildren(items, -1, "", top: true, lines);
        var notShown = OtherHidden - elided.Count;
        if (notShown > 0)
            lines.Add(Fit("", $"… {Count(notShown, "more span")} not shown", ""));
        return string.Join('\n', lines);
    }

    private void DrawChildren(Dictionary<int, List<Item>> items, int under, string prefix, bool top, List<string> lines)
    {
        if (!items.TryGetValue(under, out var list))
            return;
        for (var i = 0; i < list.Count; i++)
        {
            var item = list[i];
            var last = i == list.Count - 1;
            var lead = top ? "" : prefix + (last ? "└─ " : "├─ ");
            var childPrefix = top ? "" : prefix + (last ? "   " : "│  ");
            switch (item.Kind)
            {
                case ItemKind.Span:
                    lines.Add(SpanLine(lead, item.Id));
                    DrawChildren(items, item.Id, childPrefix, top: false, lines);
                    break;
                case ItemKind.Elided:
                    lines.Add(Fit(lead, $"⋮ {Count(item.Levels, "nested span")}", ""));
                    lines.Add(SpanLine(childPrefix + "└─ ", item.Id));
                    DrawChildren(items, item.Id, childPrefix + "   ", top: false, lines);
                    break;
                case ItemKind.Collapsed:
                    lines.Add(CollapsedLine(lead, item.Id));
                    break;
            }
        }
    }

    private string SpanLine(string lead, int x)
    {
        var span = _index.Spans[x];
        var label = string.IsNullOrWhiteSpace(span.Operation) ? span.Service : $"{span.Service} {span.Operation}";
        var suffix = new StringBuilder($" [{AnalysisText.Duration(span.Duration, compact: true)}]");
        if (_index.IsOrphan[x])
            suffix.Append(" (parent missing)");
        if (_errored[x])
            suffix.Append(" ✗");
        var here = x == _here || _memberOf[x] is var g and >= 0 && _hereGroup[g] && _groupShownMembers[g] == _groups[g].Members.Length && x == _groups[g].Members[0];
        suffix.Append(here && x == _origin ? BothMarker : here ? HereMarker : x == _origin ? OriginMarker : "");
        return Fit(lead, label, suffix.ToString());
    }

    private string CollapsedLine(string lead, int g)
    {
        var group = _groups[g];
        var shownMembers = _groupShownMembers[g];
        long hiddenTicks = 0;
        foreach (var member in group.Members)
        {
            if (!_shown[member])
                hiddenTicks += Math.Max(0, _index.Spans[member].Duration.Ticks);
        }
        var more = shownMembers > 0 ? "more " : "";
        var label = $"… {(group.Members.Length - shownMembers).ToString(CultureInfo.InvariantCulture)} {more}× {group.Label}";
        var here = _hereGroup[g] ? HereMarker : "";
        return Fit(lead, label, $" [{AnalysisText.Duration(TimeSpan.FromTicks(hiddenTicks), compact: true)} total]{here}");
    }

    /// <summary>Lead + label + suffix within the width: the label gives way first, so duration and markers survive.</summary>
    private string Fit(string lead, string label, string suffix)
    {
        var room = _maxWidth - AnalysisText.Width(lead) - AnalysisText.Width(suffix);
        if (room >= 1)
            return lead + AnalysisText.OneLine(label, room) + suffix;
        return AnalysisText.Cut(lead + AnalysisText.OneLine(label, _maxWidth) + suffix, _maxWidth);
    }

    private static string Count(int count, string noun) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} {noun}{(count == 1 ? "" : "s")}";
}
