using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Parser
    {
        /// <summary>Reads an attribute's arguments and finds where each one is written.</summary>
        private sealed class ArgumentReader
        {
            private readonly AttributeData _attribute;
            private readonly AttributeSyntax? _syntax;

            public ArgumentReader(AttributeData attribute, AttributeSyntax? syntax, Location attributeLocation)
            {
                _attribute = attribute;
                _syntax = syntax;
                AttributeLocation = attributeLocation;
            }

            /// <summary>The whole attribute: where a diagnostic points when no single argument is to blame.</summary>
            public Location AttributeLocation { get; }

            /// <summary>A constructor argument as an integer (enums by value).</summary>
            public int Positional(int index) => Convert.ToInt32(_attribute.ConstructorArguments[index].Value, CultureInfo.InvariantCulture);

            public float PositionalFloat(int index) => Convert.ToSingle(_attribute.ConstructorArguments[index].Value, CultureInfo.InvariantCulture);

            public int Named(string name, int fallback) => Value(name) is { } value ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : fallback;

            public bool NamedBool(string name, bool fallback = false) => Value(name) is bool value ? value : fallback;

            public float NamedFloat(string name) => Value(name) is { } value ? Convert.ToSingle(value, CultureInfo.InvariantCulture) : 0f;

            public string? NamedString(string name) => Value(name) as string;

            /// <summary>Whether the property is set in the attribute, whatever its value.</summary>
            public bool IsSet(string name) => Value(name) is not null;

            private object? Value(string name)
            {
                foreach (KeyValuePair<string, TypedConstant> pair in _attribute.NamedArguments)
                {
                    if (pair.Key == name && pair.Value.Kind != TypedConstantKind.Error)
                        return pair.Value.Value;
                }
                return null;
            }

            /// <summary>Where a constructor argument is written: by name (<c>inputSize: 7</c>) or by position.</summary>
            public Location LocationOf(int index, string parameterName)
            {
                if (_syntax?.ArgumentList is { } list)
                {
                    SeparatedSyntaxList<AttributeArgumentSyntax> args = list.Arguments;
                    foreach (AttributeArgumentSyntax arg in args)
                    {
                        if (arg.NameColon?.Name.Identifier.ValueText == parameterName)
                            return arg.GetLocation();
                    }
                    if (index < args.Count && args[index].NameColon is null && args[index].NameEquals is null)
                        return args[index].GetLocation();
                }
                return AttributeLocation;
            }

            /// <summary>Where a property is set (<c>Layers = 2</c>).</summary>
            public Location LocationOf(string propertyName)
            {
                if (_syntax?.ArgumentList is { } list)
                {
                    foreach (AttributeArgumentSyntax arg in list.Arguments)
                    {
                        if (arg.NameEquals?.Name.Identifier.ValueText == propertyName)
                            return arg.GetLocation();
                    }
                }
                return AttributeLocation;
            }
        }
    }
}
