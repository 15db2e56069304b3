// Validate RDF files against SHACL shapes with Apache Jena (an engine independent of pySHACL).
//
//   java -cp <jena jars> ValidateShacl.java SHAPES.ttl ONTOLOGY.nt DATA.ttl [DATA.ttl ...]
//
// Each DATA file is validated together with ONTOLOGY (the TBox and import-module terms the data
// needs: Jena has no separate ontology graph). One JVM validates every file; the output is
// tab-separated, one block per file:
//   FILE <tab> path <tab> conforms(true|false)
//   RESULT <tab> focus <tab> source shape <tab> path (^p inverse, - none) <tab> component <tab> severity
// tests/test_jena_shacl.py compiles and runs this and compares with pySHACL.

import java.util.ArrayList;
import java.util.List;

import org.apache.jena.graph.Graph;
import org.apache.jena.graph.GraphUtil;
import org.apache.jena.graph.Node;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.shacl.validation.ReportEntry;
import org.apache.jena.sparql.graph.GraphFactory;
import org.apache.jena.sparql.path.P_Inverse;
import org.apache.jena.sparql.path.P_Link;
import org.apache.jena.sparql.path.Path;

public class ValidateShacl {

    static String node(Node n) {
        if (n == null) return "-";
        if (n.isURI()) return n.getURI();
        if (n.isBlank()) return "_:" + n.getBlankNodeLabel();
        return n.toString();
    }

    static String path(Path p) {
        if (p == null) return "-";
        if (p instanceof P_Link) return ((P_Link) p).getNode().getURI();
        if (p instanceof P_Inverse && ((P_Inverse) p).getSubPath() instanceof P_Link)
            return "^" + ((P_Link) ((P_Inverse) p).getSubPath()).getNode().getURI();
        return p.toString();
    }

    static String local(Node n) {
        String s = node(n);
        int i = Math.max(s.lastIndexOf('#'), s.lastIndexOf('/'));
        return s.substring(i + 1);
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: ValidateShacl SHAPES ONTOLOGY DATA...");
            System.exit(2);
        }
        Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(args[0]));
        Graph ontology = RDFDataMgr.loadGraph(args[1]);
        StringBuilder out = new StringBuilder();
        for (int i = 2; i < args.length; i++) {
            Graph data = GraphFactory.createDefaultGraph();
            GraphUtil.addInto(data, ontology);
            RDFDataMgr.read(data, args[i]);
            ValidationReport report = ShaclValidator.get().validate(shapes, data);
            out.append("FILE\t").append(args[i]).append('\t').append(report.conforms()).append('\n');
            List<String> lines = new ArrayList<>();
            for (ReportEntry e : report.getEntries()) {
                lines.add(String.join("\t", "RESULT", node(e.focusNode()), node(e.source()),
                        path(e.resultPath()), local(e.sourceConstraintComponent()),
                        local(e.severity().level())));
            }
            lines.sort(null);
            for (String line : lines) out.append(line).append('\n');
        }
        System.out.print(out);
    }
}
