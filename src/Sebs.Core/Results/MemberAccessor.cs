using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace Sebs.Core.Results;

/// <summary>
/// Compiled readers for a (dotted) property path on a CLR type, cached per type and path. Reading ClientMs from a
/// million results this way costs a delegate call each, instead of a reflection or PowerShell property lookup.
/// </summary>
public static class MemberAccessor
{
    private static readonly ConcurrentDictionary<(Type, string), Func<object, object?>?> Objects = new();
    private static readonly ConcurrentDictionary<(Type, string), Func<object, double>?> Numbers = new();

    /// <summary>A reader of <paramref name="path"/> (e.g. <c>ClientMs</c> or <c>Times.ClientMicroseconds</c>); null when the type lacks it.</summary>
    public static Func<object, object?>? ForObject(Type type, string path) =>
        Objects.GetOrAdd((type, path), static key => Compile<object?>(key.Item1, key.Item2, Box, Expression.Constant(null, typeof(object))));

    private static readonly object BoxedTrue = true, BoxedFalse = false;

    /// <summary>Booleans (IsCold, Failed: the usual group keys) come from two shared boxes instead of a new box per read.</summary>
    private static Expression Box(Expression value) => value.Type == typeof(bool)
        ? Expression.Condition(value, Expression.Constant(BoxedTrue, typeof(object)), Expression.Constant(BoxedFalse, typeof(object)))
        : Expression.Convert(value, typeof(object));

    /// <summary>
    /// A reader of a numeric <paramref name="path"/> as double, NaN for null; null when the type lacks the path
    /// or the member is not numeric.
    /// </summary>
    public static Func<object, double>? ForNumber(Type type, string path) =>
        Numbers.GetOrAdd((type, path), static key => Compile<double>(key.Item1, key.Item2, ToDouble, Expression.Constant(double.NaN)));

    private static Expression? ToDouble(Expression value)
    {
        var underlying = Nullable.GetUnderlyingType(value.Type);
        if (underlying is not null)
        {
            if (!IsNumeric(underlying)) return null;
            return Expression.Condition(Expression.Property(value, "HasValue"),
                Expression.Convert(Expression.Property(value, "Value"), typeof(double)), Expression.Constant(double.NaN));
        }
        return IsNumeric(value.Type) ? Expression.Convert(value, typeof(double)) : null;
    }

    private static bool IsNumeric(Type t) => Type.GetTypeCode(t) is TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16
        or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 or TypeCode.Single or TypeCode.Double or TypeCode.Decimal;

    private static Func<object, T>? Compile<T>(Type type, string path, Func<Expression, Expression?> finish, Expression missing)
    {
        var parameter = Expression.Parameter(typeof(object), "o");
        var body = Build(Expression.Convert(parameter, type), path.Split('.'), 0, finish, missing);
        return body is null ? null : Expression.Lambda<Func<object, T>>(body, parameter).Compile();
    }

    /// <summary>Walks the path; a null on the way yields <paramref name="missing"/> instead of throwing.</summary>
    private static Expression? Build(Expression instance, string[] parts, int index, Func<Expression, Expression?> finish, Expression missing)
    {
        if (index == parts.Length) return finish(instance);
        var member = (MemberInfo?)instance.Type.GetProperty(parts[index], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
                     ?? instance.Type.GetField(parts[index], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (member is null || member is PropertyInfo { GetMethod: null } || member is PropertyInfo p && p.GetIndexParameters().Length > 0)
            return null;
        var value = Expression.MakeMemberAccess(instance, member);
        if (index == parts.Length - 1 || value.Type.IsValueType) return Build(value, parts, index + 1, finish, missing);
        var local = Expression.Variable(value.Type);
        var rest = Build(local, parts, index + 1, finish, missing);
        if (rest is null) return null;
        return Expression.Block(new[] { local },
            Expression.Assign(local, value),
            Expression.Condition(Expression.Equal(local, Expression.Constant(null, value.Type)), missing, rest));
    }
}
