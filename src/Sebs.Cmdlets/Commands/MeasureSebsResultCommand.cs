using System.Collections;
using System.Globalization;
using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core.Results;

namespace Sebs.Cmdlets.Commands;

/// <summary>
/// Groups objects and summarises numeric properties (mean, median, percentiles, confidence intervals).
/// The cmdlet only extracts values; <see cref="GroupedStatistics"/> in Core does the arithmetic.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "SebsResult")]
[OutputType(typeof(ResultSummary))]
public sealed class MeasureSebsResultCommand : SebsCmdlet
{
    private static readonly string[] DefaultGroupBy = { "FunctionName", "IsCold" };

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>Numeric properties to summarise; dotted paths such as Times.ClientMicroseconds work on .NET objects.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[] Property { get; set; } = { "ClientMs" };

    /// <summary>Properties whose values form the groups; an empty array puts everything in one group.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[] GroupBy { get; set; } = DefaultGroupBy;

    private GroupedStatistics _statistics = null!;
    private object?[] _key = null!;
    private long[] _skipped = null!;
    private long _inputs;

    // Accessors for the CLR type seen last; results come in long runs of one type, so this is one reference compare per item.
    private Type? _type;
    private Func<object, object?>?[] _groupReaders = null!;
    private Func<object, double>?[] _valueReaders = null!;
    private Func<object, object?>?[] _valueObjectReaders = null!;

    protected override void BeginProcessing()
    {
        _statistics = new GroupedStatistics(GroupBy, Property);
        _key = new object?[GroupBy.Length];
        _skipped = new long[Property.Length];
    }

    protected override void ProcessRecord()
    {
        if (InputObject is null) return;
        // Measure-SebsResult -InputObject $results: summarise the collection's items, not the collection.
        if (!MyInvocation.ExpectingInput && InputObject.BaseObject is IEnumerable items and not string and not IDictionary)
        {
            foreach (var item in items)
                if (item is not null) Add(item);
        }
        else Add(InputObject);
    }

    protected override void EndProcessing()
    {
        foreach (var summary in _statistics.Summarize())
            WriteObject(WithGroupProperties(summary));
        for (var p = 0; p < Property.Length; p++)
            if (_skipped[p] > 0)
                WriteWarning($"{_skipped[p]} of {_inputs} objects had no numeric '{Property[p]}' and were left out.");
        base.EndProcessing();
    }

    private void Add(object item)
    {
        _inputs++;
        var pso = item as PSObject;
        var target = pso?.BaseObject ?? item;
        if (target is PSCustomObject || target is IDictionary)
        {
            AddSlow(pso ?? PSObject.AsPSObject(item), target);
            return;
        }
        var type = target.GetType();
        if (type != _type) BindType(type);
        for (var g = 0; g < _key.Length; g++)
            _key[g] = _groupReaders[g] is { } read ? read(target) : Unwrap(GetMember(pso ?? PSObject.AsPSObject(item), target, GroupBy[g]));
        var group = _statistics.GetGroup(_key);
        for (var p = 0; p < Property.Length; p++)
        {
            double value;
            if (_valueReaders[p] is { } number)
            {
                value = number(target);
                if (double.IsNaN(value)) _skipped[p]++;
            }
            else value = _valueObjectReaders[p] is { } read ? ToDouble(read(target), p)
                : ToDouble(GetMember(pso ?? PSObject.AsPSObject(item), target, Property[p]), p);
            group.Add(p, value);
        }
    }

    private void BindType(Type type)
    {
        _type = type;
        _groupReaders = GroupBy.Select(name => MemberAccessor.ForObject(type, name)).ToArray();
        _valueReaders = Property.Select(name => MemberAccessor.ForNumber(type, name)).ToArray();
        _valueObjectReaders = Property.Select(name => MemberAccessor.ForObject(type, name)).ToArray();
    }

    private void AddSlow(PSObject pso, object target)
    {
        for (var g = 0; g < _key.Length; g++)
            _key[g] = Unwrap(GetMember(pso, target, GroupBy[g]));
        var group = _statistics.GetGroup(_key);
        for (var p = 0; p < Property.Length; p++)
            group.Add(p, ToDouble(GetMember(pso, target, Property[p]), p));
    }

    /// <summary>Reads a (dotted) member through PowerShell's view of the object: note properties, hashtable keys, ETS members.</summary>
    private static object? GetMember(PSObject pso, object target, string path)
    {
        object? current = target is IDictionary ? target : pso;
        foreach (var part in path.Split('.'))
        {
            current = current switch
            {
                null => null,
                IDictionary dict => dict.Contains(part) ? dict[part] : null,
                PSObject { BaseObject: IDictionary inner } => inner.Contains(part) ? inner[part] : null,
                PSObject o => o.Properties[part]?.Value,
                _ => PSObject.AsPSObject(current).Properties[part]?.Value,
            };
        }
        return current;
    }

    private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;

    /// <summary>Numbers as they are, strings (Import-Csv) parsed invariantly; anything else counts as skipped.</summary>
    private double ToDouble(object? value, int property)
    {
        value = Unwrap(value);
        switch (value)
        {
            case null:
                _skipped[property]++;
                return double.NaN;
            case double d: return d;
            case float f: return f;
            case int i: return i;
            case long l: return l;
            case decimal m: return (double)m;
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed): return parsed;
        }
        if (value is not bool && value is IConvertible && LanguagePrimitives.TryConvertTo<double>(value, CultureInfo.InvariantCulture, out var converted))
            return converted;
        _skipped[property]++;
        return double.NaN;
    }

    /// <summary>Adds the group values as note properties (FunctionName, IsCold, ...) so Where-Object and Sort-Object can use them.</summary>
    private static PSObject WithGroupProperties(ResultSummary summary)
    {
        var pso = new PSObject(summary);
        for (var i = 0; i < summary.GroupBy.Count; i++)
            if (pso.Properties[summary.GroupBy[i]] is null)
                pso.Properties.Add(new PSNoteProperty(summary.GroupBy[i], summary.Group[i]));
        return pso;
    }
}
